import Dispatch
import Hotplug
import Logging
import POSIXSupport
import Synchronization
import TrustedPathCore
#if canImport(Glibc)
import Glibc
#endif

/// The hotplug monitoring daemon: coldplug, then every reader and PED event, printed with
/// `--json` and streamed on the event socket. It sleeps in the kernel while nothing
/// happens; the only timer is systemd's watchdog, when the unit asks for one.
@main
struct TrustedPathDaemon {
    static func main() async {
        let options: DaemonOptions
        do throws(DaemonOptions.Invalid) {
            switch try DaemonOptions.parse(Array(CommandLine.arguments.dropFirst())) {
            case .run(let parsed): options = parsed
            case .help:
                print(DaemonOptions.usage)
                return
            case .version:
                print(TrustedPathVersion.current)
                return
            }
        } catch {
            FileOutput.standardError.write("trustedpathd: \(error)\n\(DaemonOptions.usage)\n")
            exit(2)
        }
        let level = Logger.Level(rawValue: options.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // All of the daemon's tasks run on its own executor, not libdispatch's global
        // pool, whose monitor would wake the process every second (see DaemonExecutor).
        let status = await withTaskExecutorPreference(DaemonExecutor.shared) { await run(options) }
        exit(status)
    }

    static func run(_ options: DaemonOptions) async -> Int32 {
        let logger = Logger(label: "trustedpathd")
        let environment = Environment.current
        let notifier = SystemdNotifier(environment: environment)
        let stop = StopReasons()
        logger.info("trustedpathd starting", metadata: ["pid": "\(getpid())"])

        let monitor: HotplugMonitor
        let stream: AsyncStream<DeviceEvent>
        let server: EventSocketServer?
        do {
            monitor = try HotplugMonitor(options: .init(debounce: options.debounce),
                                         logger: Logger(label: "trustedpathd.hotplug"))
            stream = try monitor.events()
            server = try options.socketPath.map { path in try EventSocketServer(path: path, logger: logger) }
        } catch {
            logger.critical("cannot start: \(error)")
            return 1
        }

        // Hotplug and card events merge here, so stdout and the socket see one order.
        let (output, emit) = AsyncStream<DeviceEvent>.makeStream(bufferingPolicy: .unbounded)
        let cards = options.cardEvents ? CardWatcher(logger: logger) { emit.yield($0) } : nil
        // With reader checks, a reader's card events start once it has answered.
        let readers = options.readerChecks
            ? HealthWatcher(.reader(), logger: logger, emit: { emit.yield($0) }, healthy: { await cards?.readerAdded($0) })
            : nil
        let peds = options.pedChecks ? HealthWatcher(.ped(), logger: logger) { emit.yield($0) } : nil
        let running = Atomic<Bool>(true)
        let stopped = stop.continuation
        let consumer = Task(executorPreference: DaemonExecutor.shared) {
            for await event in stream {
                emit.yield(event)
                switch event.kind {
                case .readerAdded:
                    if let readers { await readers.added(event.device) } else { await cards?.readerAdded(event.device) }
                case .readerRemoved: await cards?.readerRemoved(event.device)
                case .pedAdded: await peds?.added(event.device)
                default: break
                }
            }
            running.store(false, ordering: .relaxed)
            stopped.yield(.monitorEnded)
        }
        let writer = Task(executorPreference: DaemonExecutor.shared) {
            for await event in output {
                if options.json {
                    FileOutput.standardOutput.write(event.jsonLine + "\n")
                } else {
                    logger.info("\(event)")
                }
                server?.broadcast(event)
            }
        }

        await monitor.ready()
        notifier.send("READY=1\nSTATUS=watching readers and PEDs")
        let watchdog = Watchdog(environment: environment, notifier: notifier) { running.load(ordering: .relaxed) }
        logger.info("trustedpathd ready", metadata: ["watchdog": "\(watchdog != nil)"])
        releasePagesWhenIdle(after: options.releasePagesAfter, logger: logger)

        let reason = await stop.next()
        notifier.send("STOPPING=1")
        logger.info("trustedpathd stopping", metadata: ["reason": "\(reason)"])
        watchdog?.cancel()
        monitor.stop()
        await consumer.value
        await readers?.stopAll()
        await cards?.stopAll()
        await peds?.stopAll()
        emit.finish()
        await writer.value
        server?.close()
        logger.info("trustedpathd stopped")
        return reason == .monitorEnded ? 1 : 0
    }

    /// The idle daemon needs a sliver of the code start-up ran (the runtime's set-up, the
    /// coldplug, the first casts); once quiet, those pages of its binary go back to the page
    /// cache (see CleanFilePages). The next event maps again what it runs.
    static func releasePagesWhenIdle(after delay: Duration?, logger: Logger) {
        guard let delay, let executable = CleanFilePages.executablePath() else { return }
        DaemonExecutor.shared.whenIdle(after: delay) {
            let mappings = CleanFilePages.cleanResidentMappings(of: executable)
            logger.debug("idle: releasing the daemon's binary pages",
                         metadata: ["KiB": "\(mappings.reduce(0) { $0 + $1.residentKiB })"])
            CleanFilePages.release(mappings)
        }
    }
}
