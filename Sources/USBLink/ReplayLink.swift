import TrustedPathCore
import Transcript

/// Plays a recorded usbmon capture back as a device, strictly.
///
/// Bulk and class/vendor control transfers form the conversation and must come in the
/// recorded order: an OUT whose bytes differ, or a transfer of another kind than recorded,
/// fails with the frame number and a hex diff. Interrupt-in completions (card insertion and
/// removal) run beside the conversation: each becomes readable once the conversation has
/// reached the point where it completed in the capture. Standard control requests
/// (GET_DESCRIPTOR, SET_CONFIGURATION) are the kernel's, not the host code's, and are skipped.
/// A submission the capture never completes is a timeout at the caller's deadline; a recorded
/// error status replays as its error.
public actor ReplayLink: USBLink {
    struct Transfer: Sendable {
        var submission: UsbmonPacket
        var completion: UsbmonPacket?
        var submissionFrame: Int
        var completionFrame: Int?
        /// Index of the completion among all packets, for ordering interrupts against bulk.
        var completionIndex: Int
    }

    public nonisolated let device: USBDeviceInfo
    private let conversation: [Transfer]
    private let interrupts: [Transfer]
    private let redactor: Redactor
    private var cursor = 0
    private var interruptCursor = 0
    private var closed = false
    private var progressWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiterID = 0

    /// - Parameters:
    ///   - packets: the capture's packets, in file order.
    ///   - frames: each packet's 1-based frame number in the file (defaults to its index + 1).
    ///   - bus, address: the device to replay; by default the one with the most bulk traffic.
    ///   - redactor: the redactor the recording was made with, applied to OUT data before
    ///     comparing.
    public init(packets: [UsbmonPacket], frames: [Int]? = nil, bus: UInt16? = nil,
                address: UInt8? = nil, device: USBDeviceInfo? = nil, redactor: Redactor = .none) {
        let target = ReplayLink.chooseDevice(packets, bus: bus, address: address)
        var open: [UInt64: Int] = [:]
        var transfers: [Transfer] = []
        for (index, packet) in packets.enumerated() where packet.bus == target.bus
            && packet.device == target.address {
            let frame = frames.flatMap { index < $0.count ? $0[index] : nil } ?? index + 1
            switch packet.event {
            case .submission:
                open[packet.urbID] = transfers.count
                transfers.append(Transfer(submission: packet, completion: nil, submissionFrame: frame,
                                          completionFrame: nil, completionIndex: Int.max))
            case .completion, .error:
                guard let t = open.removeValue(forKey: packet.urbID) else { continue }
                transfers[t].completion = packet
                transfers[t].completionFrame = frame
                transfers[t].completionIndex = index
            }
        }
        conversation = transfers.filter { t in
            switch t.submission.transferType {
            case .bulk: return true
            case .control: return !ReplayLink.isStandardRequest(t.submission)
            case .interrupt, .isochronous: return false
            }
        }
        interrupts = transfers.filter { $0.submission.transferType == .interrupt && $0.submission.isIn }
        self.redactor = redactor
        self.device = device ?? ReplayLink.inferDevice(transfers, bus: target.bus, address: target.address)
    }

    /// Transfers of the conversation not yet played; a finished test expects none.
    public var unplayed: Int { conversation.count - cursor }

    /// Throws unless every conversation transfer of the recording was played.
    public func expectFinished() throws(USBError) {
        guard cursor < conversation.count else { return }
        let next = conversation[cursor]
        throw USBError(.replayMismatch, "the host stopped with \(unplayed) recorded transfer(s) "
            + "unplayed, the next at frame \(next.submissionFrame)")
    }

    public func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        let t = try next(.bulk, endpoint: endpoint, what: "bulk OUT")
        try compareOut(t, data)
        try await finish(t, deadline: deadline)
    }

    public func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        let t = try next(.bulk, endpoint: endpoint, what: "bulk IN")
        return try await finishIn(t, maxLength: maxLength, deadline: deadline)
    }

    public func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        let t = try next(.control, endpoint: setup.isIn ? 0x80 : 0x00, what: "control")
        let recorded = t.submission.setup ?? []
        guard recorded == setup.bytes else {
            throw USBError(.replayMismatch, "frame \(t.submissionFrame): control SETUP differs\n"
                + HexDiff.describe(expected: recorded, actual: setup.bytes))
        }
        if setup.isIn { return try await finishIn(t, maxLength: Int(setup.wLength), deadline: deadline) }
        try compareOut(t, data)
        try await finish(t, deadline: deadline)
        return []
    }

    public func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkOpen()
        guard interruptCursor < interrupts.count else {
            // The recording holds no further interrupt: nothing will ever arrive.
            await waitForProgress(until: deadline, untilCursorReaches: Int.max)
            throw USBError.timeout("no further interrupt transfer in the recording")
        }
        let t = interrupts[interruptCursor]
        guard t.submission.endpoint == endpoint else {
            throw USBError(.replayMismatch, "frame \(t.submissionFrame): interrupt IN on endpoint "
                + "\(hex2(endpoint)), recorded on \(hex2(t.submission.endpoint))")
        }
        let required = conversationCount(completedBefore: t.completionIndex)
        await waitForProgress(until: deadline, untilCursorReaches: required)
        try checkOpen()
        guard cursor >= required, t.completion != nil else {
            throw USBError.timeout("interrupt IN recorded at frame \(t.submissionFrame)")
        }
        interruptCursor += 1
        return try result(of: t, maxLength: maxLength)
    }

    public func reset(deadline: Deadline) async throws(USBError) {
        try checkOpen()
    }

    public func close() async {
        closed = true
        wakeAll()
    }

    // MARK: - Playing

    private func checkOpen() throws(USBError) {
        if closed { throw USBError(.closed) }
    }

    private func next(_ type: UsbmonPacket.TransferType, endpoint: UInt8, what: String) throws(USBError) -> Transfer {
        try checkOpen()
        guard cursor < conversation.count else {
            throw USBError(.replayMismatch, "\(what) on endpoint \(hex2(endpoint)) after the end of the recording")
        }
        let t = conversation[cursor]
        let recordedEndpoint = type == .control ? t.submission.endpoint & 0x80 : t.submission.endpoint
        guard t.submission.transferType == type, recordedEndpoint == endpoint else {
            throw USBError(.replayMismatch, "frame \(t.submissionFrame): the host made a \(what) "
                + "on endpoint \(hex2(endpoint)), the recording has a \(describe(t.submission))")
        }
        return t
    }

    private func compareOut(_ t: Transfer, _ data: [UInt8]) throws(USBError) {
        let actual = redactor.apply(endpoint: t.submission.endpoint, data)
        guard actual == t.submission.data else {
            throw USBError(.replayMismatch, "frame \(t.submissionFrame): \(describe(t.submission)) differs\n"
                + HexDiff.describe(expected: t.submission.data, actual: actual))
        }
    }

    private func finish(_ t: Transfer, deadline: Deadline) async throws(USBError) {
        advance()
        guard let completion = t.completion else { throw await timeout(t, deadline) }
        if let error = USBStatus.error(for: completion.status, frame: t.completionFrame) { throw error }
    }

    private func finishIn(_ t: Transfer, maxLength: Int, deadline: Deadline) async throws(USBError) -> [UInt8] {
        advance()
        guard t.completion != nil else { throw await timeout(t, deadline) }
        return try result(of: t, maxLength: maxLength)
    }

    private func result(of t: Transfer, maxLength: Int) throws(USBError) -> [UInt8] {
        guard let completion = t.completion else { throw USBError.timeout() }
        if let error = USBStatus.error(for: completion.status, frame: t.completionFrame) { throw error }
        guard completion.data.count <= maxLength else {
            throw USBError(.overflow, "frame \(t.completionFrame ?? 0): \(completion.data.count) bytes "
                + "recorded, the host asked for at most \(maxLength)")
        }
        return completion.data
    }

    /// A submission never completed: the device did not answer, so the caller's deadline
    /// passes as it would on hardware.
    private func timeout(_ t: Transfer, _ deadline: Deadline) async -> USBError {
        try? await Task.sleep(until: deadline.instant, clock: .continuous)
        return USBError.timeout("no completion recorded for the submission at frame \(t.submissionFrame)")
    }

    private func conversationCount(completedBefore index: Int) -> Int {
        var count = 0
        for t in conversation where t.completionIndex < index { count += 1 }
        return count
    }

    // MARK: - Waiting for the conversation to move on

    private func advance() {
        cursor += 1
        wakeAll()
    }

    private func wakeAll() {
        let waiters = progressWaiters
        progressWaiters.removeAll()
        for waiter in waiters.values { waiter.resume() }
    }

    private func wake(_ id: Int) {
        progressWaiters.removeValue(forKey: id)?.resume()
    }

    /// Suspends until the conversation has played `target` transfers, the link closes, or the
    /// deadline passes.
    private func waitForProgress(until deadline: Deadline, untilCursorReaches target: Int) async {
        while cursor < target, !closed, !deadline.hasPassed {
            let id = nextWaiterID
            nextWaiterID += 1
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                progressWaiters[id] = continuation
                Task { [weak self] in
                    try? await Task.sleep(until: deadline.instant, clock: .continuous)
                    await self?.wake(id)
                }
            }
        }
    }

    // MARK: - Reading the capture

    private static func isStandardRequest(_ packet: UsbmonPacket) -> Bool {
        guard let setup = packet.setup, let requestType = setup.first else { return false }
        return requestType & 0x60 == 0
    }

    private static func chooseDevice(_ packets: [UsbmonPacket], bus: UInt16?, address: UInt8?)
        -> (bus: UInt16, address: UInt8) {
        if let bus, let address { return (bus, address) }
        var bulkCount: [UInt32: Int] = [:]
        for p in packets where p.transferType == .bulk
            && (bus == nil || p.bus == bus) && (address == nil || p.device == address) {
            bulkCount[UInt32(p.bus) << 8 | UInt32(p.device), default: 0] += 1
        }
        let key = bulkCount.max { a, b in a.value < b.value || (a.value == b.value && a.key > b.key) }?.key
            ?? UInt32(bus ?? 0) << 8 | UInt32(address ?? 0)
        return (UInt16(truncatingIfNeeded: key >> 8), UInt8(truncatingIfNeeded: key))
    }

    private static func inferDevice(_ transfers: [Transfer], bus: UInt16, address: UInt8) -> USBDeviceInfo {
        func endpoint(_ type: UsbmonPacket.TransferType, input: Bool) -> UInt8? {
            transfers.first { $0.submission.transferType == type && $0.submission.isIn == input }?.submission.endpoint
        }
        return USBDeviceInfo(busNumber: bus, deviceAddress: address, vendorID: 0, productID: 0,
                             bulkOutEndpoint: endpoint(.bulk, input: false) ?? 0x02,
                             bulkInEndpoint: endpoint(.bulk, input: true) ?? 0x82,
                             interruptInEndpoint: endpoint(.interrupt, input: true))
    }

    private func describe(_ packet: UsbmonPacket) -> String {
        let kind: String
        switch packet.transferType {
        case .bulk: kind = "bulk"
        case .control: kind = "control"
        case .interrupt: kind = "interrupt"
        case .isochronous: kind = "isochronous"
        }
        return "\(kind) \(packet.isIn ? "IN" : "OUT") on endpoint \(hex2(packet.endpoint))"
    }
}

func hex2(_ value: UInt8) -> String { "0x" + Hex.encode([value]) }
