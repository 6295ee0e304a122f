import Hotplug
import POSIXSupport
import Synchronization
import TrustedPathCore
#if canImport(Glibc)
import Glibc
#endif

/// The task executor the daemon's own tasks prefer: one thread that sleeps in read(2) on a
/// pipe until a job is enqueued.
///
/// Why not Swift's default global executor: on Linux it is libdispatch's global queue,
/// and the first worker thread of that pool starts libdispatch's workqueue monitor
/// (`_dispatch_workq_monitor_pools`), a 1 s timer that never stops: one wakeup a second
/// for the life of the process, idle or not. The daemon's work is a handful of short jobs
/// per uevent, so one thread is plenty, and it wakes only when there is work.
///
/// Tasks that should run here say so (`Task(executorPreference:)`,
/// `withTaskExecutorPreference`); default actors called from them run here too.
///
/// An idle action (`whenIdle`) runs once the executor has had no job for a while after
/// some work: one wakeup per burst of activity, none while nothing happens.
final class DaemonExecutor: TaskExecutor, Sendable {
    static let shared = DaemonExecutor()

    private struct IdleAction {
        var after: Duration
        var run: @Sendable () -> Void
    }

    private let jobs = Mutex<[UnownedJob]>([])
    private let idleAction = Mutex<IdleAction?>(nil)
    private let readEnd: Int32
    private let writeEnd: Int32

    private init() {
        var ends: [Int32] = [-1, -1]
        // Without the pipe there is no daemon; this runs once, at start.
        precondition(pipe(&ends) == 0, "pipe failed (errno \(errno))")
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        // The writer never blocks: a full pipe already means "wake up".
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        (readEnd, writeEnd) = (ends[0], ends[1])
        PosixThread(name: "tp-executor", detached: true) { [self] in runLoop() }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let wasEmpty = jobs.withLock { queue in
            queue.append(unowned)
            return queue.count == 1
        }
        // Only the empty → non-empty step needs a wakeup: the loop drains until empty
        // before it reads the pipe again.
        if wasEmpty { wake() }
    }

    /// Runs `action` on the executor's thread once it has been without a job for `after`,
    /// following start-up and again after every burst of jobs.
    func whenIdle(after: Duration, _ action: @escaping @Sendable () -> Void) {
        idleAction.withLock { $0 = IdleAction(after: after, run: action) }
        wake()  // a loop already asleep without a timeout takes the new action into account
    }

    private func wake() {
        var one: UInt8 = 1
        _ = write(writeEnd, &one, 1)
    }

    private func runLoop() {
        var buffer = [UInt8](repeating: 0, count: 64)
        var workedSinceIdleAction = true  // start-up is work too
        while true {
            let batch = jobs.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            guard batch.isEmpty else {
                workedSinceIdleAction = true
                for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
                continue
            }
            let pending = workedSinceIdleAction ? idleAction.withLock { $0 } : nil
            var pipe = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pipe, 1, pending.map { Int32(clamping: $0.after.wholeMilliseconds) } ?? -1)
            if ready > 0 {
                _ = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            } else if ready == 0, let pending {
                pending.run()
                workedSinceIdleAction = false
            }
        }
    }

}
