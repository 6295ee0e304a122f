#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Transcript

/// Where a `RecordingLink` puts what crossed it. `record` is synchronous so packets land in
/// the order they happened, also when an interrupt read runs beside bulk transfers.
public protocol CaptureSink: Sendable {
    func record(_ packet: UsbmonPacket)
}

/// Keeps the recorded packets in memory, for tests and for writing a file at the end.
public final class MemoryCaptureSink: CaptureSink {
    private let storage = Mutex<[UsbmonPacket]>([])

    public init() {}

    public func record(_ packet: UsbmonPacket) {
        storage.withLock { $0.append(packet) }
    }

    public var packets: [UsbmonPacket] { storage.withLock { $0 } }
}

/// Wraps any link and records each transfer as a usbmon submission and completion, as the
/// kernel's usbmon would have shown it, so the capture opens in Wireshark and replays through
/// `ReplayLink` or umockdev. OUT payloads pass through the redactor first.
public final class RecordingLink: USBLink {
    private let inner: any USBLink
    private let sink: any CaptureSink
    private let redactor: Redactor
    private let nextURB = Mutex<UInt64>(0xFFFF_8880_0000_0000)

    public var device: USBDeviceInfo { inner.device }

    public init(wrapping inner: any USBLink, sink: any CaptureSink, redactor: Redactor = .none) {
        self.inner = inner
        self.sink = sink
        self.redactor = redactor
    }

    public func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        let urb = submit(.bulk, endpoint: endpoint, length: data.count, data: data)
        do {
            try await inner.bulkOut(data, endpoint: endpoint, deadline: deadline)
            complete(urb, .bulk, endpoint: endpoint, length: data.count)
        } catch {
            complete(urb, .bulk, endpoint: endpoint, error: error)
            throw error
        }
    }

    public func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await recordIn(.bulk, endpoint: endpoint, maxLength: maxLength) { () async throws(USBError) in
            try await inner.bulkIn(maxLength: maxLength, endpoint: endpoint, deadline: deadline)
        }
    }

    public func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await recordIn(.interrupt, endpoint: endpoint, maxLength: maxLength) { () async throws(USBError) in
            try await inner.interruptIn(maxLength: maxLength, endpoint: endpoint, deadline: deadline)
        }
    }

    public func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        let endpoint: UInt8 = setup.isIn ? 0x80 : 0x00
        let urb = submit(.control, endpoint: endpoint, length: Int(setup.wLength),
                         data: setup.isIn ? [] : data, setup: setup.bytes)
        do {
            let reply = try await inner.control(setup, data: data, deadline: deadline)
            complete(urb, .control, endpoint: endpoint,
                     length: setup.isIn ? reply.count : data.count, data: reply)
            return reply
        } catch {
            complete(urb, .control, endpoint: endpoint, error: error)
            throw error
        }
    }

    public func reset(deadline: Deadline) async throws(USBError) {
        try await inner.reset(deadline: deadline)
    }

    public func close() async {
        await inner.close()
    }

    // MARK: - Packets

    private func recordIn(_ type: UsbmonPacket.TransferType, endpoint: UInt8, maxLength: Int,
                          _ body: () async throws(USBError) -> [UInt8]) async throws(USBError) -> [UInt8] {
        let urb = submit(type, endpoint: endpoint, length: maxLength, data: [])
        do {
            let reply = try await body()
            complete(urb, type, endpoint: endpoint, length: reply.count, data: reply)
            return reply
        } catch {
            complete(urb, type, endpoint: endpoint, error: error)
            throw error
        }
    }

    private func submit(_ type: UsbmonPacket.TransferType, endpoint: UInt8, length: Int,
                        data: [UInt8], setup: [UInt8]? = nil) -> UInt64 {
        let urb = nextURB.withLock { value -> UInt64 in
            value &+= 0x40
            return value
        }
        let payload = endpoint & 0x80 == 0 ? redactor.apply(endpoint: endpoint, data) : data
        sink.record(packet(urb, .submission, type, endpoint: endpoint, status: USBStatus.inProgress,
                           length: length, setup: setup, data: payload))
        return urb
    }

    private func complete(_ urb: UInt64, _ type: UsbmonPacket.TransferType, endpoint: UInt8,
                          length: Int, data: [UInt8] = []) {
        // IN data passes the redactor too: a card's answer can carry a share.
        let payload = endpoint & 0x80 != 0 ? redactor.apply(endpoint: endpoint, data) : []
        sink.record(packet(urb, .completion, type, endpoint: endpoint, status: USBStatus.ok,
                           length: length, data: payload))
    }

    private func complete(_ urb: UInt64, _ type: UsbmonPacket.TransferType, endpoint: UInt8,
                          error: USBError) {
        sink.record(packet(urb, .completion, type, endpoint: endpoint,
                           status: USBStatus.status(for: error), length: 0, data: []))
    }

    private func packet(_ urb: UInt64, _ event: UsbmonPacket.Event, _ type: UsbmonPacket.TransferType,
                        endpoint: UInt8, status: Int32, length: Int, setup: [UInt8]? = nil,
                        data: [UInt8]) -> UsbmonPacket {
        let now = RecordingLink.wallClock()
        return UsbmonPacket(urbID: urb, event: event, transferType: type, endpoint: endpoint,
                            device: inner.device.deviceAddress, bus: inner.device.busNumber,
                            seconds: now.seconds, microseconds: now.microseconds, status: status,
                            length: UInt32(clamping: length), setup: setup, data: data)
    }

    private static func wallClock() -> (seconds: Int64, microseconds: Int32) {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return (Int64(ts.tv_sec), Int32(ts.tv_nsec / 1000))
    }
}
