import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Why the daemon stops: SIGTERM/SIGINT, or the hotplug stream ending. The signals' default
/// handling is switched off and they arrive through Dispatch sources, so waiting for them
/// costs no wakeups.
final class StopReasons {
    enum Reason: Sendable, Equatable {
        case signal(String)
        case monitorEnded
    }

    private let stream: AsyncStream<Reason>
    let continuation: AsyncStream<Reason>.Continuation
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<Reason>.makeStream()
        let queue = DispatchQueue(label: "trustedpathd.signals")
        sources = [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")].map { number, name in
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { continuation.yield(.signal(name)) }
            source.resume()
            return source
        }
        // A client that hangs up mid-write must not kill the daemon.
        Glibc.signal(SIGPIPE, SIG_IGN)
        self.stream = stream
        self.continuation = continuation
    }

    func next() async -> Reason {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next() ?? .monitorEnded
    }
}
