import PEDProtocol
import Power
import TrustedPathCore
import USBLink

/// A PED simulated from the device side of its USB conversation: the host writes request
/// frames with `bulkOut` and reads replies with `bulkIn`, as through libusb. It holds a
/// drawer of PED keys, a display and a scripted person (`PEDAction`s), and can misbehave
/// (`PEDFault`): hang until its power is cycled, send garbage, answer late, vanish.
///
/// Requests are handled when they arrive, in simulated time: a person's script runs to its
/// end at once, and running out of actions is a key-activity timeout.
public actor SimulatedPED: USBLink {
    public static let vendorID: UInt16 = 0x1209
    public static let productID: UInt16 = 0x7E50

    public nonisolated let device: USBDeviceInfo
    public nonisolated let firmware: FirmwareVersion
    public nonisolated let power: PEDPowerSource
    public nonisolated let serial: String

    var keys: [PEDKeyID: SimulatedPEDKey] = [:]
    var inserted: PEDKeyID?
    var actions: [PEDAction] = []
    var faults: [PEDFault] = []
    public internal(set) var display = SimulatedDisplay(lines: 4, columns: 20)
    /// What the person did, for tests and the CLI's narration (never PIN digits).
    public internal(set) var log: [String] = []

    var replies = TransferQueue()
    var assembler = PEDFrameAssembler()
    var lastAnswer: (sequence: UInt8, type: UInt8, bytes: [[UInt8]])?
    var heldBack: [[UInt8]] = []
    var hung = false
    var gone = false
    var closed = false
    var nextSetID: UInt64 = 0x5E7_0000
    private var nextWaiterID: UInt64 = 0
    /// How many times the firmware (re)started: power-up, and each port power cycle.
    public internal(set) var boots = 1
    /// Requests handled, by type, for tests.
    public internal(set) var handled: [PEDMessageType] = []
    /// Recovery steps taken on this PED, in order.
    public internal(set) var recoverySteps: [RecoveryStep] = []

    public init(firmware: FirmwareVersion = FirmwareVersion(2, 9, 0), power: PEDPowerSource? = nil,
                serial: String = "SIMPED-0001", busNumber: UInt16 = 1, deviceAddress: UInt8 = 12) {
        self.firmware = firmware
        self.power = power ?? (FirmwareCompatibility.isExternallyPowered(ped: firmware) ? .external : .usbBus)
        self.serial = serial
        self.device = USBDeviceInfo(
            busNumber: busNumber, deviceAddress: deviceAddress, vendorID: SimulatedPED.vendorID,
            productID: SimulatedPED.productID, bcdDevice: UInt16(firmware.major) << 8 | UInt16(firmware.minor),
            serialNumber: serial, interfaceNumber: 0, interfaceClass: 0xFF, bulkOutEndpoint: 0x02,
            bulkInEndpoint: 0x82, interruptInEndpoint: nil)
        display.show(["PED \(firmware)", "Awaiting command"])
    }

    // MARK: The drawer and the person

    /// Adds blank keys to the drawer.
    public func addBlankKeys(_ ids: [UInt64]) {
        for id in ids where keys[PEDKeyID(id)] == nil { keys[PEDKeyID(id)] = SimulatedPEDKey(id: PEDKeyID(id)) }
    }

    public func key(_ id: UInt64) -> SimulatedPEDKey? { keys[PEDKeyID(id)] }

    /// Keys holding a secret for `colour`, by serial.
    public func keys(of colour: PEDKeyColour) -> [SimulatedPEDKey] {
        keys.values.filter { $0.colour == colour && !$0.isBlank }.sorted { $0.id < $1.id }
    }

    public func perform(_ more: [PEDAction]) { actions += more }
    public var pendingActions: [PEDAction] { actions }

    public func inject(_ fault: PEDFault) { faults.append(fault) }

    /// The HSM was reset or its firmware updated: a USB-powered PED often stops answering.
    public func hsmDidReset() { hung = true }

    /// Someone pulled the cable: every call fails with `.noDevice` until `replug`.
    public func disappear() {
        gone = true
        replies.failAll(.noDevice("simulated PED unplugged"))
    }

    /// The cable (and power supply) went back in: the PED boots afresh.
    public func replug() {
        gone = false
        reboot()
    }

    /// The link is opened again after a recovery step (the old one was closed).
    public func reopen() throws(USBError) {
        if gone { throw .noDevice("simulated PED not on the bus") }
        closed = false
    }

    // MARK: Power and recovery (driven by SimulatedPEDRecovery)

    func reboot() {
        hung = false
        boots += 1
        replies.clear()
        assembler.reset()
        lastAnswer = nil
        heldBack.removeAll()
        inserted = nil
        display.show(["PED \(firmware)", "Awaiting command"])
    }

    var isGone: Bool { gone }

    // MARK: USBLink

    public func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        try checkUsable()
        guard endpoint == device.bulkOutEndpoint else { throw .stall("no bulk OUT endpoint \(endpoint)") }
        for frame in assembler.append(data) { receive(frame) }
    }

    public func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkUsable()
        guard endpoint == device.bulkInEndpoint else { throw .stall("no bulk IN endpoint \(endpoint)") }
        let bytes: [UInt8]
        if let ready = replies.pop() {
            bytes = ready
        } else {
            if deadline.hasPassed { throw .timeout("simulated PED sent nothing") }
            let id = nextWaiterID
            nextWaiterID &+= 1
            let result = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: TransferQueue.Continuation) in
                    replies.addWaiter(id: id, continuation)
                    let timer = Task {
                        try? await Task.sleep(until: deadline.instant, clock: .continuous)
                        guard !Task.isCancelled else { return }
                        self.failWaiter(id, .timeout("simulated PED sent nothing"))
                    }
                    replies.setTimer(id: id, timer)
                }
            } onCancel: {
                Task { await self.failWaiter(id, USBError(.io, "transfer cancelled")) }
            }
            bytes = try result.get()
        }
        guard bytes.count <= maxLength else { throw USBError(.overflow, "\(bytes.count) bytes for \(maxLength)") }
        return bytes
    }

    public func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        throw .stall("the PED has no interrupt endpoint")
    }

    public func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkUsable()
        throw .stall("the PED answers no class or vendor requests")
    }

    /// A USB reset re-enumerates the PED but does not restart hung firmware.
    public func reset(deadline: Deadline) async throws(USBError) {
        try checkUsable()
        replies.clear()
        assembler.reset()
    }

    public func close() async {
        guard !closed else { return }
        closed = true
        replies.failAll(USBError(.closed))
    }

    private func failWaiter(_ id: UInt64, _ error: USBError) { replies.fail(id: id, error) }

    private func checkUsable() throws(USBError) {
        if gone { throw .noDevice("simulated PED unplugged") }
        if closed { throw USBError(.closed) }
    }

    // MARK: Frames

    private func receive(_ frame: PEDFrame) {
        if hung { return }
        if let last = lastAnswer, last.sequence == frame.sequence, last.type == frame.type | 0x80 {
            for bytes in last.bytes { replies.push(bytes) }
            return
        }
        let request: PEDRequest
        do { request = try PEDRequest(frame: frame) } catch {
            answer(PEDReply.failure(PEDMessageType(rawValue: frame.type & 0x7F) ?? .keepAlive, .badRequest,
                                    "\(error)").frame(sequence: frame.sequence), faulted: false)
            return
        }
        if request.type != .keepAlive, request.type != .cancel, let fault = faults.first {
            switch fault {
            case .hang:
                faults.removeFirst()
                hung = true
                display.show(["", "", "", ""])
                return
            case .disappear:
                faults.removeFirst()
                disappear()
                return
            default: break
            }
        }
        handled.append(request.type)
        answer(handle(request).frame(sequence: frame.sequence), faulted: request.type != .keepAlive)
    }

    private func answer(_ frame: PEDFrame, faulted: Bool) {
        var bytes = frame.encoded()
        var transfers = [bytes]
        var late = false
        if faulted, let fault = faults.first {
            faults.removeFirst()
            switch fault {
            case .garbageFirst(let garbage): transfers.insert(garbage, at: 0)
            case .corruptReply:
                bytes[bytes.count - 1] ^= 0xA5
                transfers = [bytes]
            case .lateReply: late = true
            case .split(let size):
                let size = max(1, size)
                transfers = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
            case .hang, .disappear: break
            }
        }
        // What a repeat of this request gets: the reply itself, undamaged. Keep-alives
        // answered meanwhile do not replace it: the host repeats after probing with one.
        if frame.type != PEDMessageType.keepAlive.replyType, frame.type != PEDMessageType.cancel.replyType {
            lastAnswer = (frame.sequence, frame.type, [frame.encoded()])
        }
        let earlier = heldBack
        heldBack.removeAll()
        if late {
            heldBack = transfers
            for bytes in earlier { replies.push(bytes) }
            return
        }
        for bytes in earlier + transfers { replies.push(bytes) }
    }
}
