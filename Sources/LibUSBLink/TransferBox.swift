import CLibUSB
import USBLink

/// One asynchronous libusb transfer and the Swift task waiting for it.
///
/// Life cycle: `prepared` (filled, not submitted) → `submitted` → `finished` (the libusb
/// callback ran, or `abandon()` gave up on it). The continuation is resumed exactly once,
/// by whoever moves the state to `finished`.
///
/// Invariants that make the @unchecked Sendable sound:
/// - `transfer` and `buffer` are written by the submitting task before submission, then
///   belong to libusb until the callback; they are freed only by the callback.
/// - `libusb_cancel_transfer` is only called under `guarded`'s lock while the state is
///   `submitted`, and the callback sets `finished` under the same lock before freeing, so
///   a cancel never touches freed memory.
final class TransferBox: @unchecked Sendable {
    enum State { case prepared, submitted, finished }

    struct Guarded {
        var state = State.prepared
        var continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>?
        /// Set when we asked for the cancellation: what the caller is told.
        var cancelReason: USBError?
    }

    let transfer: UnsafeMutablePointer<libusb_transfer>
    let buffer: UnsafeMutablePointer<UInt8>
    /// Where the payload starts in `buffer`: 8 for control transfers (after SETUP), else 0.
    let dataOffset: Int
    let what: String
    let guarded = Locked(Guarded())
    /// Called once the transfer is finished (on the event thread, or the submitting task
    /// if submission failed), before the waiting task resumes.
    let onFinish: @Sendable (TransferBox) -> Void

    init?(length: Int, dataOffset: Int, what: String, onFinish: @escaping @Sendable (TransferBox) -> Void) {
        self.onFinish = onFinish
        guard let transfer = libusb_alloc_transfer(0) else { return nil }
        self.transfer = transfer
        buffer = .allocate(capacity: max(1, length))
        buffer.initialize(repeating: 0, count: max(1, length))
        self.dataOffset = dataOffset
        self.what = what
    }

    /// Fills the libusb transfer. `user_data` carries a +1 reference that the callback takes.
    func fill(handle: OpaquePointer, endpoint: UInt8, type: libusb_transfer_type, length: Int,
              timeoutMilliseconds: UInt32) {
        transfer.pointee.dev_handle = handle
        transfer.pointee.endpoint = endpoint
        transfer.pointee.type = UInt8(type.rawValue)
        transfer.pointee.timeout = timeoutMilliseconds
        transfer.pointee.buffer = buffer
        transfer.pointee.length = Int32(length)
        transfer.pointee.flags = 0
        transfer.pointee.num_iso_packets = 0
        transfer.pointee.callback = { transfer in
            guard let transfer, let user = transfer.pointee.user_data else { return }
            Unmanaged<TransferBox>.fromOpaque(user).takeRetainedValue().completed()
        }
    }

    /// Submits, unless a cancellation came first. Resumes `continuation` on failure.
    func submit(_ continuation: CheckedContinuation<Result<[UInt8], USBError>, Never>) {
        let failure: USBError? = guarded.withLock { g in
            if let reason = g.cancelReason {
                g.state = .finished
                return reason
            }
            g.continuation = continuation
            transfer.pointee.user_data = Unmanaged.passRetained(self).toOpaque()
            // Under the lock, so that a concurrent cancel sees either `prepared` or
            // `submitted`, never a half-submitted transfer. The callback can't run inside
            // libusb_submit_transfer: completions only come from the event thread.
            let result = libusb_submit_transfer(transfer)
            if result != 0 {
                Unmanaged<TransferBox>.fromOpaque(transfer.pointee.user_data!).release()
                g.continuation = nil
                g.state = .finished
                return LibUSBStatus.error(result, "submitting \(what)")
            }
            g.state = .submitted
            return nil
        }
        if let failure {
            freeMemory()
            onFinish(self)
            continuation.resume(returning: .failure(failure))
        }
    }

    /// Asks libusb to cancel; the callback then reports `reason`. No-op once finished.
    func cancel(_ reason: USBError) {
        guarded.withLock { g in
            guard g.state != .finished, g.cancelReason == nil else { return }
            g.cancelReason = reason
            if g.state == .submitted { _ = libusb_cancel_transfer(transfer) }
        }
    }

    /// Gives up on a transfer libusb will never complete (device gone, handle closing):
    /// the task resumes with `reason`; the transfer's memory is leaked on purpose, since
    /// libusb may still refer to it.
    func abandon(_ reason: USBError) {
        let continuation = guarded.withLock { g -> CheckedContinuation<Result<[UInt8], USBError>, Never>? in
            guard g.state != .finished else { return nil }
            g.state = .finished
            defer { g.continuation = nil }
            return g.continuation
        }
        continuation?.resume(returning: .failure(reason))
    }

    /// Frees a transfer that was never submitted (the link closed first).
    func discardUnsubmitted() {
        let owned = guarded.withLock { g -> Bool in
            guard g.state == .prepared else { return false }
            g.state = .finished
            return true
        }
        if owned { freeMemory() }
    }

    /// The libusb callback, on the event thread.
    private func completed() {
        let status = transfer.pointee.status
        let actual = Int(transfer.pointee.actual_length)
        let continuation = guarded.withLock { g -> (CheckedContinuation<Result<[UInt8], USBError>, Never>, USBError?)? in
            guard g.state != .finished, let c = g.continuation else { return nil }
            g.state = .finished
            g.continuation = nil
            return (c, g.cancelReason)
        }
        guard let (continuation, cancelReason) = continuation else { return }  // abandoned
        let result: Result<[UInt8], USBError>
        if status == LIBUSB_TRANSFER_COMPLETED {
            let start = buffer + dataOffset
            result = .success(Array(UnsafeBufferPointer(start: start, count: max(0, actual))))
        } else {
            result = .failure(LibUSBStatus.transferError(status, what, cancelled: cancelReason))
        }
        freeMemory()
        onFinish(self)
        continuation.resume(returning: result)
    }

    private func freeMemory() {
        libusb_free_transfer(transfer)
        buffer.deallocate()
    }
}
