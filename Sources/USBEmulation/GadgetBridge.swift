import CUSBGadget
import Glibc
import Synchronization
import USBLink

/// Serves one gadget's URBs: usbdevfs (through the C layer) on one side, the simulator's
/// `USBLink` on the other. Standard control requests a device answers from its descriptors
/// are answered here; class and vendor requests go to the link.
final class GadgetBridge: Sendable {
    let gadget: USBGadget
    /// The C gadget, set by `attach` and cleared by `detach`; read and written under `lock`.
    nonisolated(unsafe) private var handle: OpaquePointer?
    private let lock = Mutex(())
    private let pumps = Mutex<[UInt8: EndpointPump]>([:])
    private let owners = Mutex<[UInt64: UInt8]>([:])

    /// A link call that waits for the device waits as long as the host does; the host's own
    /// timeout arrives as a DISCARDURB.
    static let patience = Duration.seconds(24 * 3600)

    init(gadget: USBGadget) { self.gadget = gadget }

    func attach(testbed: UnsafeMutableRawPointer, devnode: String) throws(EmulationError) {
        let context = Unmanaged.passUnretained(self).toOpaque()
        let callbacks = tp_gadget_callbacks(
            context: context,
            submit: { context, tag, type, endpoint, bytes, length, capacity in
                let bridge = Unmanaged<GadgetBridge>.fromOpaque(context!).takeUnretainedValue()
                let data = bytes.map { Array(UnsafeBufferPointer(start: $0, count: Int(length))) } ?? []
                bridge.submitted(tag: tag, type: type, endpoint: endpoint, data: data, capacity: Int(capacity))
            },
            discard: { context, tag in
                Unmanaged<GadgetBridge>.fromOpaque(context!).takeUnretainedValue().discarded(tag)
            },
            reset: { context, token in
                let bridge = Unmanaged<GadgetBridge>.fromOpaque(context!).takeUnretainedValue()
                nonisolated(unsafe) let token = token
                Task {
                    do throws(USBError) {
                        try await bridge.gadget.link.reset(deadline: .after(.seconds(5)))
                        tp_gadget_finish_reset(token, 0)
                    } catch {
                        tp_gadget_finish_reset(token, error.code == .noDevice ? ENODEV : EIO)
                    }
                }
            })
        var message: UnsafeMutablePointer<CChar>?
        guard let handle = tp_gadget_attach(testbed, devnode, callbacks, &message) else {
            let text = message.map { String(cString: $0) } ?? "unknown"
            free(message)
            throw EmulationError("umockdev did not take the device node \(devnode): \(text)")
        }
        lock.withLock { _ in self.handle = handle }
    }

    func makeFIFO(at path: String) throws(EmulationError) {
        let status = lock.withLock { _ in handle.map { tp_gadget_make_fifo($0, path) } ?? EINVAL }
        guard status == 0 else { throw EmulationError("could not make the device node \(path) a FIFO: errno \(status)") }
    }

    func disconnect() {
        lock.withLock { _ in handle.map { tp_gadget_disconnect($0) } }
        pumps.withLock { all in for pump in all.values { pump.stop() } }
    }

    func detach(testbed: UnsafeMutableRawPointer) {
        lock.withLock { _ in
            if let handle { tp_gadget_detach(handle, testbed) }
            handle = nil
        }
    }

    var ioctlCount: UInt64 { lock.withLock { _ in handle.map { tp_gadget_ioctl_count($0) } ?? 0 } }

    // MARK: URBs

    private func submitted(tag: UInt64, type: UInt8, endpoint: UInt8, data: [UInt8], capacity: Int) {
        let key = Int(type) == TP_URB_CONTROL ? 0 : endpoint
        owners.withLock { $0[tag] = key }
        let link = gadget.link
        let work: @Sendable () async -> URBOutcome
        switch Int(type) {
        case TP_URB_CONTROL:
            work = { [self] in await control(data) }
        case TP_URB_BULK where endpoint & 0x80 == 0:
            work = { await Self.outcome { () throws(USBError) in
                try await link.bulkOut(data, endpoint: endpoint, deadline: .after(Self.patience))
                return .sent(data.count)
            } }
        case TP_URB_BULK:
            work = { await Self.outcome { () throws(USBError) in
                .received(try await link.bulkIn(maxLength: capacity, endpoint: endpoint, deadline: .after(Self.patience)))
            } }
        case TP_URB_INTERRUPT where endpoint & 0x80 != 0:
            work = { await Self.outcome { () throws(USBError) in
                .received(try await link.interruptIn(maxLength: capacity, endpoint: endpoint,
                                                     deadline: .after(Self.patience)))
            } }
        default:
            work = { .failed(-EPIPE) }
        }
        pump(for: key).submit(EndpointPump.Work(tag: tag, run: work))
    }

    private func discarded(_ tag: UInt64) {
        guard let key = owners.withLock({ $0[tag] }) else { return }
        pump(for: key).discard(tag)
    }

    private func pump(for key: UInt8) -> EndpointPump {
        pumps.withLock { all in
            if let pump = all[key] { return pump }
            let pump = EndpointPump { [weak self] tag, outcome in self?.finish(tag, outcome) }
            all[key] = pump
            return pump
        }
    }

    private func finish(_ tag: UInt64, _ outcome: URBOutcome) {
        owners.withLock { _ = $0.removeValue(forKey: tag) }
        lock.withLock { _ in
            guard let handle else { return }
            switch outcome {
            case .received(let bytes):
                bytes.withUnsafeBufferPointer { tp_gadget_complete(handle, tag, 0, $0.baseAddress, UInt32($0.count)) }
            case .sent(let count):
                tp_gadget_complete(handle, tag, 0, nil, UInt32(count))
            case .failed(let status):
                tp_gadget_complete(handle, tag, status, nil, 0)
            }
        }
    }

    private static func outcome(_ body: () async throws(USBError) -> URBOutcome) async -> URBOutcome {
        do { return try await body() } catch { return .failed(errno(for: error)) }
    }

    /// What usbdevfs reports for each way a simulated transfer fails.
    static func errno(for error: USBError) -> Int32 {
        switch error.code {
        case .stall: -EPIPE
        case .timeout: -ETIMEDOUT
        case .noDevice, .closed: -ESHUTDOWN
        case .overflow: -EOVERFLOW
        default: -EPROTO
        }
    }

    // MARK: Control transfers

    private func control(_ data: [UInt8]) async -> URBOutcome {
        guard let setup = USBControlSetup(bytes: data) else { return .failed(-EINVAL) }
        let payload = Array(data.dropFirst(8))
        if let answer = standardAnswer(setup) { return answer }
        return await Self.outcome { () throws(USBError) in
            let reply = try await gadget.link.control(setup, data: payload, deadline: .after(.seconds(5)))
            return setup.isIn ? .received(Array(reply.prefix(Int(setup.wLength)))) : .sent(payload.count)
        }
    }

    /// USB 2.0 chapter 9 requests, answered as the device's firmware would.
    private func standardAnswer(_ setup: USBControlSetup) -> URBOutcome? {
        guard setup.bmRequestType & 0x60 == 0 else { return nil }
        let limit = Int(setup.wLength)
        switch setup.bRequest {
        case 0x06 where setup.bmRequestType == 0x80:   // GET_DESCRIPTOR
            let index = UInt8(truncatingIfNeeded: setup.wValue)
            let descriptor: [UInt8]?
            switch setup.wValue >> 8 {
            case 1: descriptor = gadget.deviceDescriptor
            case 2: descriptor = gadget.configurationDescriptor
            case 3: descriptor = gadget.stringDescriptor(index)
            default: descriptor = nil
            }
            return descriptor.map { .received(Array($0.prefix(limit))) } ?? .failed(-EPIPE)
        case 0x00 where setup.isIn:                      // GET_STATUS: bus powered, no remote wakeup
            return .received(Array([0, 0].prefix(limit)))
        case 0x08 where setup.isIn:                      // GET_CONFIGURATION
            return .received(Array([1].prefix(limit)))
        case 0x0A where setup.isIn:                      // GET_INTERFACE
            return .received(Array([0].prefix(limit)))
        case 0x01, 0x03, 0x09, 0x0B:                     // CLEAR/SET_FEATURE, SET_CONFIGURATION, SET_INTERFACE
            return .sent(0)
        default:
            return nil
        }
    }
}

/// A simulated device could not be put on the emulated bus.
public struct EmulationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
