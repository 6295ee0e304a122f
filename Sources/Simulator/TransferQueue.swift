import USBLink

/// IN transfers the device has ready, and the host calls waiting for one. A transfer pushed
/// while someone waits resumes that waiter directly (no polling, no extra hop); a waiter's
/// deadline is a timer task that fails it with `.timeout` if nothing came first.
///
/// Lives inside the reader actor, which serialises every access.
struct TransferQueue {
    typealias Continuation = CheckedContinuation<Result<[UInt8], USBError>, Never>

    private struct Waiter {
        var id: UInt64
        var continuation: Continuation
        var timer: Task<Void, Never>?
    }

    private var items: [[UInt8]] = []
    private var head = 0
    private var waiters: [Waiter] = []

    var isEmpty: Bool { head == items.count }
    var pending: ArraySlice<[UInt8]> { items[head...] }

    mutating func push(_ bytes: [UInt8]) {
        if !waiters.isEmpty {
            let waiter = waiters.removeFirst()
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .success(bytes))
            return
        }
        items.append(bytes)
    }

    mutating func pop() -> [UInt8]? {
        guard head < items.count else { return nil }
        let bytes = items[head]
        head += 1
        // Compact once drained, so the steady state (one reply, one read) never grows.
        if head == items.count { items.removeAll(keepingCapacity: true); head = 0 }
        return bytes
    }

    /// Drops queued transfers matching `predicate` (an aborted slot's replies).
    mutating func removeAll(where predicate: ([UInt8]) -> Bool) {
        items = Array(items[head...]).filter { !predicate($0) }
        head = 0
    }

    mutating func clear() {
        items.removeAll()
        head = 0
    }

    mutating func addWaiter(id: UInt64, _ continuation: Continuation) {
        waiters.append(Waiter(id: id, continuation: continuation, timer: nil))
    }

    mutating func setTimer(id: UInt64, _ timer: Task<Void, Never>) {
        if let index = waiters.firstIndex(where: { $0.id == id }) {
            waiters[index].timer = timer
        } else {
            timer.cancel()
        }
    }

    /// Fails one waiter, if it is still waiting (its timer fired or its task was cancelled).
    mutating func fail(id: UInt64, _ error: USBError) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timer?.cancel()
        waiter.continuation.resume(returning: .failure(error))
    }

    mutating func failAll(_ error: USBError) {
        let all = waiters
        waiters = []
        for waiter in all {
            waiter.timer?.cancel()
            waiter.continuation.resume(returning: .failure(error))
        }
    }
}
