import Glibc
import Synchronization

/// How a URB ends, as the gadget layer reports it to usbdevfs.
enum URBOutcome: Sendable {
    /// IN data (for control, what follows the setup packet).
    case received([UInt8])
    /// An OUT transfer the device took whole (`count` bytes).
    case sent(Int)
    /// A negative errno: -EPIPE (stall), -ENOENT (discarded), -ESHUTDOWN (device gone).
    case failed(Int32)
}

/// One endpoint's URBs, served one at a time in submit order, as a device's endpoint does:
/// a bulk IN waiting for the reader's answer holds back the next one behind it. A discarded
/// URB is cancelled if it is running and skipped if it is still queued; either way it ends
/// with -ENOENT unless its answer was already there.
final class EndpointPump: Sendable {
    struct Work: Sendable {
        var tag: UInt64
        var run: @Sendable () async -> URBOutcome
    }

    private struct State {
        var discarded: Set<UInt64> = []
        var running: (tag: UInt64, task: Task<URBOutcome, Never>)?
    }

    private let queue: AsyncStream<Work>.Continuation
    private let state = Mutex(State())

    init(complete: @escaping @Sendable (UInt64, URBOutcome) -> Void) {
        let (stream, queue) = AsyncStream.makeStream(of: Work.self)
        self.queue = queue
        Task { await self.serve(stream, complete: complete) }
    }

    private func serve(_ stream: AsyncStream<Work>, complete: @Sendable (UInt64, URBOutcome) -> Void) async {
        for await work in stream {
            if state.withLock({ $0.discarded.remove(work.tag) != nil }) {
                complete(work.tag, .failed(-ENOENT))
                continue
            }
            let task = Task { await work.run() }
            state.withLock { s in
                s.running = (work.tag, task)
                if s.discarded.contains(work.tag) { task.cancel() }
            }
            let outcome = await task.value
            let discarded = state.withLock { s in
                s.running = nil
                return s.discarded.remove(work.tag) != nil
            }
            if discarded, case .failed = outcome {
                complete(work.tag, .failed(-ENOENT))
            } else {
                complete(work.tag, outcome)
            }
        }
    }

    func submit(_ work: Work) { queue.yield(work) }

    /// Gives up on one of this endpoint's URBs, queued or running.
    func discard(_ tag: UInt64) {
        state.withLock { s in
            s.discarded.insert(tag)
            if let running = s.running, running.tag == tag { running.task.cancel() }
        }
    }

    func stop() { queue.finish() }
}
