import Hotplug
import POSIXSupport
import Synchronization
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
final class DaemonExecutor: TaskExecutor, Sendable {
    static let shared = DaemonExecutor()

    private let jobs = Mutex<[UnownedJob]>([])
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
        if wasEmpty {
            var one: UInt8 = 1
            _ = write(writeEnd, &one, 1)
        }
    }

    private func runLoop() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let batch = jobs.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            if batch.isEmpty {
                _ = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
                continue
            }
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }
}
