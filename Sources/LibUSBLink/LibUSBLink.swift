import CLibUSB
import POSIXSupport
import USBLink

/// A `USBLink` to a real reader over libusb-1.0.
///
/// Why a final class with locks and not an actor: libusb completes transfers on its event
/// thread, synchronously inside a C callback, and the transfer memory must be released
/// before that callback returns; an actor hop can't happen there. Transfers don't need
/// serialising either: an interrupt-in read (slot change notification) stays pending
/// while bulk transfers come and go, so each call is independent and only the small
/// bookkeeping below (`state`) is shared, under a lock.
///
/// Every transfer is asynchronous (libusb_submit_transfer), completed by this link's
/// context event thread and bridged to the caller with a continuation. The deadline becomes
/// the libusb transfer timeout; cancelling the calling task cancels the transfer.
public final class LibUSBLink: USBLink, @unchecked Sendable {
    // Invariants for @unchecked: `handle` and `context` are immutable and valid until
    // `close()` has drained every transfer; all mutable state lives in `state` (locked).
    public let device: USBDeviceInfo
    private let context: LibUSBContext
    private let handle: OpaquePointer

    private struct State {
        var closed = false
        /// Set when libusb reports the device unplugged: every transfer fails `.noDevice`.
        var gone = false
        var inFlight: [ObjectIdentifier: TransferBox] = [:]
        var drained: CheckedContinuation<Void, Never>?
    }
    private let state: Locked<State>
    private let watch: DeviceLeftWatch

    /// How long `close()` waits for cancelled transfers before it gives up on them.
    static let drainLimit: Duration = .seconds(2)

    private init(device: USBDeviceInfo, context: LibUSBContext, handle: OpaquePointer) {
        self.device = device
        self.context = context
        self.handle = handle
        let state = Locked(State())
        self.state = state
        let label = device.label
        watch = DeviceLeftWatch(handle: handle, context: context) {
            let pending = state.withLock { s -> [TransferBox] in
                s.gone = true
                return Array(s.inFlight.values)
            }
            for box in pending { box.cancel(USBError(.noDevice, "\(box.what): \(label) was unplugged")) }
        }
        watch.start(vendorID: device.vendorID, productID: device.productID)
    }

    // MARK: Finding and opening

    /// Every reader interface on the bus: CCID (class 0x0B) interfaces, and vendor-class
    /// (0xFF) interfaces that carry a CCID class descriptor. Opens nothing.
    public static func enumerate() throws(USBError) -> [USBDeviceInfo] {
        let context = try LibUSBContext()
        defer { context.shutdown() }
        return try LibUSBDiscovery.withCandidates(context) { $0.map(\.info) }
    }

    /// Opens by a string: "0c4b:0400", "0c4b:0400:SERIAL", "1:5" or "001/005".
    public static func open(_ text: String, kind: USBInterfaceKind = .cardReader) async throws(USBError) -> LibUSBLink {
        guard let selector = LibUSBDeviceSelector(parsing: text) else {
            throw USBError(.noDevice, "\"\(text)\" is neither VID:PID[:SERIAL] (0c4b:0400) nor BUS:ADDRESS (1:5, 001/005)")
        }
        return try await open(selector, kind: kind)
    }

    /// Opens the first device that matches with an interface of `kind` (a reader unless
    /// told), claims that interface (detaching a kernel driver if one is bound) and starts
    /// the event thread.
    public static func open(_ selector: LibUSBDeviceSelector,
                            kind: USBInterfaceKind = .cardReader) async throws(USBError) -> LibUSBLink {
        let result = await runBlocking { () -> Result<LibUSBLink, USBError> in
            do throws(USBError) { return .success(try openNow(selector, kind: kind)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func openNow(_ selector: LibUSBDeviceSelector, kind: USBInterfaceKind) throws(USBError) -> LibUSBLink {
        let context = try LibUSBContext()
        do throws(USBError) {
            let (handle, info) = try LibUSBDiscovery.withCandidates(context, kind: kind) { candidates throws(USBError) in
                try openMatching(selector, kind: kind, in: candidates)
            }
            context.startEventThread()
            return LibUSBLink(device: info, context: context, handle: handle)
        } catch {
            context.shutdown()
            throw error
        }
    }

    private static func openMatching(_ selector: LibUSBDeviceSelector, kind: USBInterfaceKind,
                                     in candidates: [LibUSBDiscovery.Candidate]) throws(USBError) -> (OpaquePointer, USBDeviceInfo) {
        var lastError: USBError?
        for candidate in candidates {
            var info = candidate.info
            var serialUnknown = false
            if case .vendorProduct(_, _, let serial?) = selector, info.serialNumber == nil {
                // No sysfs serial: compare after reading the string descriptor below.
                info.serialNumber = serial
                serialUnknown = true
            }
            guard selector.matches(info) else { continue }
            do throws(USBError) {
                let handle = try openAndClaim(candidate)
                if serialUnknown || info.serialNumber == nil {
                    info.serialNumber = LibUSBDiscovery.wireSerial(handle, index: candidate.serialIndex)
                    if serialUnknown, !selector.matches(info) {
                        release(handle, interface: info.interfaceNumber)
                        continue
                    }
                }
                return (handle, info)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? USBError(.noDevice, "no \(kind.noun) matches \(selector)")
    }

    private static func openAndClaim(_ candidate: LibUSBDiscovery.Candidate) throws(USBError) -> OpaquePointer {
        var handle: OpaquePointer?
        let opened = libusb_open(candidate.device, &handle)
        guard opened == 0, let handle else {
            throw LibUSBStatus.error(opened, "opening \(candidate.info.label)")
        }
        let interface = candidate.info.interfaceNumber
        // Detach a bound kernel driver on claim and re-attach it on release. Not supported
        // on every platform; a claim failure below is what matters.
        _ = libusb_set_auto_detach_kernel_driver(handle, 1)
        var claimed = libusb_claim_interface(handle, Int32(interface))
        if claimed != 0, claimed != LIBUSB_ERROR_BUSY.rawValue, claimed != LIBUSB_ERROR_NO_DEVICE.rawValue,
           claimed != LIBUSB_ERROR_ACCESS.rawValue {
            // The detach step itself failed (a usbfs without USBDEVFS_DISCONNECT, such as
            // umockdev's): nothing to detach there, so claim plainly.
            _ = libusb_set_auto_detach_kernel_driver(handle, 0)
            claimed = libusb_claim_interface(handle, Int32(interface))
        }
        guard claimed == 0 else {
            libusb_close(handle)
            throw LibUSBStatus.error(claimed, "claiming interface \(interface) of \(candidate.info.label)")
        }
        return handle
    }

    private static func release(_ handle: OpaquePointer, interface: UInt8) {
        _ = libusb_release_interface(handle, Int32(interface))
        libusb_close(handle)
    }

    // MARK: Transfers

    public func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        let sent = try await transfer(type: LIBUSB_TRANSFER_TYPE_BULK, endpoint: endpoint & 0x7F,
                                      payload: data, length: data.count, deadline: deadline,
                                      what: "bulk OUT to endpoint \(hex2(endpoint & 0x7F))")
        guard sent.count == data.count else {
            throw USBError(.io, "bulk OUT to endpoint \(hex2(endpoint)): \(sent.count) of \(data.count) bytes sent")
        }
    }

    public func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await transfer(type: LIBUSB_TRANSFER_TYPE_BULK, endpoint: endpoint | 0x80, payload: nil,
                           length: maxLength, deadline: deadline,
                           what: "bulk IN from endpoint \(hex2(endpoint | 0x80))")
    }

    public func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await transfer(type: LIBUSB_TRANSFER_TYPE_INTERRUPT, endpoint: endpoint | 0x80, payload: nil,
                           length: maxLength, deadline: deadline,
                           what: "interrupt IN from endpoint \(hex2(endpoint | 0x80))")
    }

    public func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        var out = setup.bytes
        let length: Int
        if setup.isIn {
            length = Int(setup.wLength)
        } else {
            guard data.count <= Int(UInt16.max) else { throw USBError(.io, "control OUT data longer than 65535 bytes") }
            var fixed = setup
            fixed.wLength = UInt16(data.count)
            out = fixed.bytes + data
            length = data.count
        }
        let what = "control request \(hex2(setup.bmRequestType)) \(hex2(setup.bRequest))"
        let received = try await transfer(type: LIBUSB_TRANSFER_TYPE_CONTROL, endpoint: 0, payload: out,
                                          length: 8 + length, deadline: deadline, what: what, dataOffset: 8)
        return setup.isIn ? received : []
    }

    public func reset(deadline: Deadline) async throws(USBError) {
        try checkOpen()
        let handle = LibUSBHandleBox(raw: handle)
        // libusb_reset_device is synchronous and can take a second: keep it off the pool.
        let result = await runBlocking { libusb_reset_device(handle.raw) }
        switch result {
        case 0: return
        case LIBUSB_ERROR_NOT_FOUND.rawValue:
            // The device re-enumerated as something else (descriptors changed): gone for us.
            throw USBError(.noDevice, "reset \(device.label): the device re-enumerated; open it again")
        default:
            throw LibUSBStatus.error(result, "reset \(device.label)")
        }
    }

    /// Cancels pending transfers (they throw `.closed`), waits for libusb to hand them
    /// back, releases the interface, closes the handle and stops the event thread.
    public func close() async {
        let pending: [TransferBox]? = state.withLock { s in
            guard !s.closed else { return nil }
            s.closed = true
            return Array(s.inFlight.values)
        }
        guard let pending else { return }
        for box in pending { box.cancel(USBError(.closed, box.what)) }
        await drain()
        watch.cancel()
        let handle = LibUSBHandleBox(raw: handle)
        let interface = Int32(device.interfaceNumber)
        let context = context
        await runBlocking {
            _ = libusb_release_interface(handle.raw, interface)
            libusb_close(handle.raw)
            context.shutdown()
        }
        watch.release()
    }

    // MARK: Plumbing

    private func checkOpen() throws(USBError) {
        let (closed, gone) = state.withLock { ($0.closed, $0.gone) }
        if closed { throw USBError(.closed, device.label) }
        if gone { throw USBError(.noDevice, "\(device.label) was unplugged") }
    }

    /// Submits one transfer and waits for its completion. `payload` is copied into the
    /// transfer buffer (OUT data, or SETUP + OUT data for control).
    private func transfer(type: libusb_transfer_type, endpoint: UInt8, payload: [UInt8]?, length: Int,
                          deadline: Deadline, what: String, dataOffset: Int = 0) async throws(USBError) -> [UInt8] {
        guard length >= 0, length <= Int(Int32.max) else { throw USBError(.io, "\(what): bad length \(length)") }
        if deadline.hasPassed { throw USBError(.timeout, "\(what): deadline passed before submission") }
        if Task.isCancelled { throw USBError(.timeout, "\(what): task cancelled") }
        guard let box = TransferBox(length: length, dataOffset: dataOffset, what: what,
                                    onFinish: { [weak self] in self?.finished($0) }) else {
            throw USBError(.io, "\(what): libusb_alloc_transfer failed")
        }
        if let payload { payload.withUnsafeBufferPointer { box.buffer.update(from: $0.baseAddress!, count: $0.count) } }
        box.fill(handle: handle, endpoint: endpoint, type: type, length: length,
                 timeoutMilliseconds: deadline.remainingMilliseconds)
        let refusal = state.withLock { s -> USBError? in
            if s.closed { return USBError(.closed, "\(what): \(device.label)") }
            if s.gone { return USBError(.noDevice, "\(what): \(device.label) was unplugged") }
            s.inFlight[ObjectIdentifier(box)] = box
            return nil
        }
        if let refusal {
            box.discardUnsubmitted()
            throw refusal
        }
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { box.submit($0) }
        } onCancel: {
            box.cancel(USBError(.timeout, "\(what): task cancelled"))
        }
        return try result.get()
    }

    /// Bookkeeping when a transfer is finished; wakes `close()` when the last one is gone.
    private func finished(_ box: TransferBox) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.inFlight[ObjectIdentifier(box)] = nil
            guard s.inFlight.isEmpty else { return nil }
            defer { s.drained = nil }
            return s.drained
        }
        waiter?.resume()
    }

    /// Waits until every in-flight transfer is back, or `drainLimit` passes; after that the
    /// stragglers are abandoned (their tasks get `.closed`) so that close never hangs.
    private func drain() async {
        // Nothing in flight (the usual close): no watchdog task either. A daemon that keeps
        // its work off the global pool must not start one just to cancel it.
        if state.withLock({ $0.inFlight.isEmpty }) { return }
        let watchdog = Task { [state] in
            // Cancelled once close has drained: then there is nothing to abandon.
            guard (try? await Task.sleep(for: Self.drainLimit)) != nil else { return }
            let (waiter, stuck) = state.withLock { s in
                defer { s.drained = nil; s.inFlight = [:] }
                return (s.drained, Array(s.inFlight.values))
            }
            for box in stuck { box.abandon(USBError(.closed, "\(box.what): abandoned on close")) }
            waiter?.resume()
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.inFlight.isEmpty { return true }
                s.drained = continuation
                return false
            }
            if done { continuation.resume() }
        }
        watchdog.cancel()
    }
}

/// A libusb_device_handle* handed to a blocking helper thread. Sound because libusb's
/// handle functions are thread-safe and the link keeps the handle open until close.
struct LibUSBHandleBox: @unchecked Sendable {
    let raw: OpaquePointer
}

func hex2(_ value: UInt8) -> String {
    let s = String(value, radix: 16)
    return s.count == 1 ? "0" + s : s
}
