#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// Serves one `VirtualCard` to pcscd's vpcd driver. vpcd listens (TCP 35963 for its first
/// reader, "Virtual PCD 00 00"; 35964 for the second) and the card connects to it as a client:
/// a connected bridge is a card inserted, a closed connection a card removed.
public final class VPCDBridge: Sendable {
    public let card: any VirtualCard
    public let host: String
    public let port: UInt16
    /// Reads block until vpcd speaks; they wait here, not on the cooperative pool.
    private let queue: DispatchQueue
    private let current = Locked<VPCDSocket?>(nil)
    private let stats = Locked(Statistics())

    public static let defaultPort: UInt16 = 35963

    public struct Statistics: Sendable, Hashable {
        public var connections = 0
        public var apdus = 0
        public var controls = 0
    }

    public init(card: any VirtualCard, host: String = "127.0.0.1", port: UInt16 = VPCDBridge.defaultPort) {
        self.card = card
        self.host = host
        self.port = port
        queue = DispatchQueue(label: "VPCDBridge \(host):\(port)")
    }

    public var statistics: Statistics { stats.withLock { $0 } }

    /// Why `host` can never be reached, or nil. A malformed address or a name that resolves
    /// to nothing is a typo, not a pcscd that is not up yet: `run()` would retry it for ever,
    /// so callers check first. Something shaped like an address (digits and dots, or a colon)
    /// is parsed as one, without asking DNS; a name counts only when the resolver answers that
    /// it does not exist (EAI_NONAME), as a resolver that is down may recover.
    public static func unresolvable(host: String) -> String? {
        let numeric = host.contains(":") || (!host.isEmpty && host.allSatisfy { $0 == "." || ("0"..."9").contains($0) })
        var hints = addrinfo()
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        if numeric { hints.ai_flags = AI_NUMERICHOST }
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        if let list { freeaddrinfo(list) }
        if status == 0 { return nil }
        if numeric { return "\(host) is not a valid IPv4 or IPv6 address" }
        guard status == EAI_NONAME else { return nil }
        return "\(host) is neither an IP address nor a host name that resolves (\(String(cString: gai_strerror(status))))"
    }

    /// Connects and serves until the task is cancelled; reconnects when pcscd is not up yet or
    /// drops the connection, waiting 50 ms, doubling to at most 2 s, between attempts.
    public func run() async {
        let initialDelay = Duration.milliseconds(50)
        var delay = initialDelay
        while !Task.isCancelled {
            do {
                try await serveOneConnection()
                delay = initialDelay
            } catch {
                do { try await Task.sleep(for: delay) } catch { return }
                delay = min(delay * 2, .seconds(2))
            }
        }
    }

    /// One connection: returns when vpcd closes it or the task is cancelled; throws when vpcd
    /// cannot be reached.
    public func serveOneConnection() async throws(VPCDError) {
        let socket = try await blocking { () throws(VPCDError) in try VPCDSocket(host: self.host, port: self.port) }
        stats.withLock { $0.connections += 1 }
        // withTaskCancellationHandler does not carry a typed throw through; a Result does.
        let outcome = await withTaskCancellationHandler { () async -> Result<Void, VPCDError> in
            current.withLock { $0 = socket }
            defer { current.withLock { $0 = nil } }
            if Task.isCancelled { return .success(()) }
            do throws(VPCDError) {
                while let payload = try await blocking({ () throws(VPCDError) in try socket.readPayload() }) {
                    if let answer = await answer(VPCDMessage(payload: payload)) {
                        try socket.writeFrame(answer)
                    }
                }
                return .success(())
            } catch {
                return .failure(error)
            }
        } onCancel: {
            current.withLock { $0?.shutdownBoth() }
        }
        try outcome.get()
    }

    /// The reply to one message; nil for power controls, which vpcd does not answer.
    private func answer(_ message: VPCDMessage) async -> [UInt8]? {
        switch message {
        case .apdu(let apdu):
            stats.withLock { $0.apdus += 1 }
            return await card.transmit(apdu)
        case .atrRequest:
            stats.withLock { $0.controls += 1 }
            return await card.atr
        case .powerOn:
            stats.withLock { $0.controls += 1 }
            await card.powerOn()
            return nil
        case .powerOff:
            stats.withLock { $0.controls += 1 }
            await card.powerOff()
            return nil
        case .reset:
            stats.withLock { $0.controls += 1 }
            await card.reset()
            return nil
        case .unknownControl:
            return nil
        }
    }

    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws(VPCDError) -> T) async throws(VPCDError) -> T {
        let result: Result<T, VPCDError> = await withCheckedContinuation { continuation in
            queue.async {
                do throws(VPCDError) { continuation.resume(returning: .success(try body())) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }
}
