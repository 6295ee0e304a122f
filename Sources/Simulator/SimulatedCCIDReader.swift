import CCID
import USBLink

/// A CCID reader simulated from the device side of the USB conversation: the host writes
/// PC_to_RDR messages with `bulkOut` and reads RDR_to_PC replies with `bulkIn`, exactly as
/// it would through libusb, so host code under test is the code that runs on hardware.
///
/// Each command is handled when it arrives and its reply queued; `bulkIn` returns the next
/// queued transfer or waits (without polling) until one is queued or its deadline passes.
/// Card insertion and removal arrive on `interruptIn`. Faults can be injected per reply.
public actor SimulatedCCIDReader: USBLink {
    public nonisolated let device: USBDeviceInfo
    public nonisolated let profile: ReaderProfile

    var slots: [SimulatedSlot]
    var replies = TransferQueue()
    var interrupts = TransferQueue()
    var faults: [ReaderFault] = []
    var lineEvents: [T1LineEvent] = []
    /// The last reply queued, for `ReaderFault.previousAnswerFirst`.
    var lastReply: [UInt8] = []
    var gone = false
    var closed = false
    private var nextWaiterID: UInt64 = 0
    /// Set by the ABORT class request, consumed by PC_to_RDR_Abort (CCID 1.1 §5.3.1).
    var abortRequested: [UInt8: UInt8] = [:]
    public internal(set) var keypad = SimulatedKeypad()
    public internal(set) var display: SimulatedDisplay? {
        didSet {
            guard let display, display.history.count != oldValue?.history.count else { return }
            displayWatcher?(display.current)
        }
    }
    /// Told every screen the display shows, as it shows it.
    var displayWatcher: (@Sendable ([String]) -> Void)?
    /// The simulated person who reacts to prompts and PIN entries, if any.
    var attendant: (any ReaderAttendant)?

    public init(profile: ReaderProfile, busNumber: UInt16 = 1, deviceAddress: UInt8 = 9) {
        self.profile = profile
        self.device = USBDeviceInfo(
            busNumber: busNumber, deviceAddress: deviceAddress, vendorID: profile.vendorID,
            productID: profile.productID, bcdDevice: profile.bcdDevice, serialNumber: nil, interfaceNumber: 0,
            interfaceClass: profile.interfaceClass, bulkOutEndpoint: 0x02, bulkInEndpoint: 0x82,
            interruptInEndpoint: 0x81, classDescriptor: profile.descriptor.encode())
        self.slots = Array(repeating: SimulatedSlot(), count: profile.slotCount)
        if let size = profile.displaySize { display = SimulatedDisplay(lines: size.lines, columns: size.columns) }
    }

    // MARK: The person at the reader

    /// Puts a card in a slot (unpowered) and reports it on the interrupt endpoint.
    public func insert(card: any SimulatedCard, slot: Int = 0) {
        guard slots.indices.contains(slot) else { return }
        slots[slot].powerOff()
        slots[slot].card = card
        slots[slot].present = true
        slots[slot].changed = true
        notifySlotChange()
    }

    /// Takes the card out and reports it; a command in progress on the slot will see no card.
    public func remove(slot: Int = 0) {
        guard slots.indices.contains(slot), slots[slot].present else { return }
        slots[slot].powerOff()
        slots[slot].card = nil
        slots[slot].present = false
        slots[slot].changed = true
        notifySlotChange()
    }

    /// The card's current state (retry counter, files), or nil for an empty slot.
    public func card(in slot: Int = 0) -> (any SimulatedCard)? {
        slots.indices.contains(slot) ? slots[slot].card : nil
    }

    /// Keys the person will press during the next PIN entries.
    public func press(_ keys: [KeypadKey]) { keypad.enqueue(keys) }

    /// RDR_to_PC_HardwareError on the interrupt endpoint (code 1: overcurrent).
    public func reportHardwareError(slot: UInt8 = 0, sequence: UInt8 = 0, code: UInt8 = 1) {
        interrupts.push(CCIDInterruptMessage.hardwareError(slot: slot, sequence: sequence, code: code).encode())
    }

    // MARK: Fault injection

    public func inject(_ fault: ReaderFault) { faults.append(fault) }

    /// Trouble for the next T=1 block on the line to the card (TPDU level only).
    public func inject(_ event: T1LineEvent) { lineEvents.append(event) }

    /// The device vanishes: every call, including those waiting, fails with `.noDevice`.
    public func disappear() {
        gone = true
        replies.failAll(.noDevice("simulated reader unplugged"))
        interrupts.failAll(.noDevice("simulated reader unplugged"))
    }

    // MARK: USBLink

    public func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        try checkUsable()
        guard endpoint == device.bulkOutEndpoint else { throw .stall("no bulk OUT endpoint 0x\(hex2(endpoint))") }
        handle(data)
    }

    public func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkUsable()
        guard endpoint == device.bulkInEndpoint else { throw .stall("no bulk IN endpoint 0x\(hex2(endpoint))") }
        return try await receive(from: .bulk, maxLength: maxLength, deadline: deadline)
    }

    public func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkUsable()
        guard endpoint == device.interruptInEndpoint else { throw .stall("no interrupt endpoint 0x\(hex2(endpoint))") }
        return try await receive(from: .interrupt, maxLength: maxLength, deadline: deadline)
    }

    public func reset(deadline: Deadline) async throws(USBError) {
        try checkUsable()
        // A port reset deactivates every card and forgets whatever was in flight.
        for index in slots.indices { slots[index].powerOff() }
        replies.clear()
        faults.removeAll()
        abortRequested.removeAll()
    }

    public func close() async {
        guard !closed else { return }
        closed = true
        replies.failAll(USBError(.closed))
        interrupts.failAll(USBError(.closed))
    }

    func checkUsable() throws(USBError) {
        if gone { throw .noDevice("simulated reader unplugged") }
        if closed { throw USBError(.closed) }
    }

    enum InEndpoint { case bulk, interrupt }

    /// The fast path returns at once; otherwise one continuation and one timer task.
    private func receive(from endpoint: InEndpoint, maxLength: Int,
                         deadline: Deadline) async throws(USBError) -> [UInt8] {
        let bytes: [UInt8]
        if let ready = endpoint == .bulk ? replies.pop() : interrupts.pop() {
            bytes = ready
        } else {
            if deadline.hasPassed { throw .timeout("simulated reader sent nothing") }
            let id = nextWaiterID
            nextWaiterID &+= 1
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: TransferQueue.Continuation) in
                    if endpoint == .bulk { replies.addWaiter(id: id, continuation) } else { interrupts.addWaiter(id: id, continuation) }
                    let timer = Task {
                        try? await Task.sleep(until: deadline.instant, clock: .continuous)
                        guard !Task.isCancelled else { return }
                        self.fail(id, on: endpoint, .timeout("simulated reader sent nothing"))
                    }
                    if endpoint == .bulk { replies.setTimer(id: id, timer) } else { interrupts.setTimer(id: id, timer) }
                }
            } onCancel: {
                // The waiter is registered before the actor is released, so this hop finds it.
                Task { await self.fail(id, on: endpoint, USBError(.io, "transfer cancelled")) }
            }
            bytes = try result.get()
        }
        guard bytes.count <= maxLength else {
            throw USBError(.overflow, "\(bytes.count) bytes for a \(maxLength)-byte transfer")
        }
        return bytes
    }

    private func fail(_ id: UInt64, on endpoint: InEndpoint, _ error: USBError) {
        if endpoint == .bulk { replies.fail(id: id, error) } else { interrupts.fail(id: id, error) }
    }

    private func notifySlotChange() {
        let states = slots.map { CCIDInterruptMessage.SlotState(present: $0.present, changed: $0.changed) }
        for index in slots.indices { slots[index].changed = false }
        interrupts.push(CCIDInterruptMessage.notifySlotChange(states).encode())
    }
}

func hex2(_ value: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String([digits[Int(value >> 4)], digits[Int(value & 0x0F)]])
}
