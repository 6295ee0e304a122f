import Dispatch

/// Runs blocking PC/SC calls (SCardGetStatusChange, SCardTransmit, SCardControl during PIN
/// entry can each take seconds to minutes) on a Dispatch queue of their own, so that they
/// never occupy a thread of Swift concurrency's cooperative pool.
struct BlockingQueue: Sendable {
    let queue: DispatchQueue

    /// Serial: on Linux each serial queue gets a thread when it blocks, where concurrent
    /// queues share a pool as large as the CPU count.
    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func run<T: Sendable>(_ body: @escaping @Sendable () throws(PCSCError) -> T) async throws(PCSCError) -> T {
        let result: Result<T, PCSCError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(PCSCError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}

/// A serial executor over a Dispatch queue: an actor that uses it runs every method on that
/// queue's thread, so its blocking C calls stay off the cooperative pool without a hop per call.
/// (corelibs-libdispatch on Linux has no `DispatchSerialQueue` executor, hence this.)
final class DispatchQueueExecutor: SerialExecutor {
    let queue: DispatchQueue

    init(label: String) {
        queue = DispatchQueue(label: label)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
