import Dispatch
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The hotplug monitoring daemon. For now it starts, logs, and stops cleanly on SIGTERM or
/// SIGINT; it sleeps in the kernel meanwhile (no timer wakeups).
@main
struct TrustedPathDaemon {
    static func main() async {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "trustedpathd")
        let signals = TerminationSignals()
        logger.info("trustedpathd starting", metadata: ["pid": "\(getpid())"])
        let signal = await signals.next()
        logger.info("trustedpathd stopping", metadata: ["signal": "\(signal)"])
    }
}

/// SIGTERM and SIGINT as an async sequence: the default handling is switched off and the
/// signals arrive through Dispatch sources, so waiting for them costs no wakeups.
struct TerminationSignals {
    private let stream: AsyncStream<String>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let queue = DispatchQueue(label: "trustedpathd.signals")
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(name) }
            source.resume()
            return source
        }
        self.stream = stream
    }

    func next() async -> String {
        var iterator = stream.makeAsyncIterator()
        let name = await iterator.next() ?? "end of stream"
        withExtendedLifetime(sources) {}
        return name
    }
}
