import Dispatch
import Hotplug
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The subscription socket: a Unix stream socket on which every client gets one JSON event
/// a line. A new client first gets one `…-added` line per device attached now, then the
/// live events, so it needs no separate query and there is no gap between the two.
///
/// Everything mutable is confined to `queue` (hence `@unchecked Sendable`); sockets are
/// non-blocking and written from Dispatch sources, so a slow client never stalls the
/// daemon. A client more than `maxPending` bytes behind is dropped, with a log line.
final class EventSocketServer: @unchecked Sendable {
    static let maxPending = 1 << 20

    private final class Client {
        let fd: Int32
        var pending: [UInt8] = []
        var reader: (any DispatchSourceRead)?
        var writer: (any DispatchSourceWrite)?
        /// Sources not yet cancelled; the fd is closed when the last one is.
        var liveSources = 0

        init(fd: Int32) {
            self.fd = fd
        }
    }

    private let queue = DispatchQueue(label: "trustedpathd.socket")
    private let path: String
    private let logger: Logger
    private let listenFD: Int32
    private var acceptSource: (any DispatchSourceRead)?
    private var clients: [Int32: Client] = [:]
    /// The `…-added` event of each device attached now, in the order they came.
    private var attached: [DeviceEvent] = []

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(path: String, logger: Logger) throws(Failure) {
        self.path = path
        self.logger = logger
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !directory.isEmpty { _ = mkdir(directory, 0o750) }  // systemd's RuntimeDirectory= normally made it
        guard var address = UnixAddress(path), !path.hasPrefix("@") else {
            throw Failure(description: "socket path too long or empty: \(path)")
        }
        listenFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listenFD >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        unlink(path)  // a stale socket of an earlier run
        let bound = address.withSockaddr { bind(listenFD, $0, $1) }
        guard bound == 0, chmod(path, 0o660) == 0, listen(listenFD, 16) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(listenFD)
            throw Failure(description: "cannot listen on \(path): \(message)")
        }
        _ = fcntl(listenFD, F_SETFL, O_NONBLOCK)
        let source = DispatchSource.makeReadSource(fileDescriptor: listenFD, queue: queue)
        source.setEventHandler { [unowned self] in acceptAll() }
        source.resume()
        acceptSource = source
        logger.info("event socket listening", metadata: ["path": "\(path)"])
    }

    /// Sends an event to every client and remembers what is attached for later ones.
    func broadcast(_ event: DeviceEvent) {
        queue.async { [self] in
            switch event.kind {
            case .readerAdded, .pedAdded:
                attached.removeAll { $0.device.syspath == event.device.syspath }
                attached.append(event)
            case .readerRemoved, .pedRemoved:
                attached.removeAll { $0.device.syspath == event.device.syspath }
            default:
                break
            }
            let line = Array((event.jsonLine + "\n").utf8)
            for client in clients.values { enqueue(line, to: client) }
        }
    }

    /// Hangs up on every client and removes the socket file.
    func close() {
        queue.sync {
            acceptSource?.cancel()
            acceptSource = nil
            Glibc.close(listenFD)
            unlink(path)
            for client in clients.values { drop(client, reason: nil) }
        }
    }

    private func acceptAll() {
        while true {
            let fd = accept(listenFD, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                if errno != EAGAIN && errno != EWOULDBLOCK {
                    logger.warning("accept failed: \(String(cString: strerror(errno)))")
                }
                return
            }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            let client = Client(fd: fd)
            let reader = DispatchSource.makeReadSource(fileDescriptor: fd, queue: queue)
            reader.setEventHandler { [unowned self] in readOrHangUp(client) }
            reader.setCancelHandler { [unowned self] in release(client) }
            client.reader = reader
            client.liveSources = 1
            reader.resume()
            clients[fd] = client
            logger.info("subscriber connected", metadata: ["fd": "\(fd)", "subscribers": "\(clients.count)"])
            for event in attached { enqueue(Array((event.jsonLine + "\n").utf8), to: client) }
        }
    }

    /// Clients only listen; what they send is read and dropped, and end of file is a hang-up.
    private func readOrHangUp(_ client: Client) {
        var buffer = [UInt8](repeating: 0, count: 512)
        let count = buffer.withUnsafeMutableBytes { read(client.fd, $0.baseAddress, $0.count) }
        if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) {
            drop(client, reason: "hung up")
        }
    }

    private func enqueue(_ bytes: [UInt8], to client: Client) {
        guard clients[client.fd] === client else { return }
        client.pending += bytes
        if client.pending.count > Self.maxPending {
            drop(client, reason: "more than \(Self.maxPending) bytes behind")
            return
        }
        if client.writer == nil { flush(client) }
    }

    private func flush(_ client: Client) {
        while !client.pending.isEmpty {
            let written = client.pending.withUnsafeBytes { send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written > 0 {
                client.pending.removeFirst(written)
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if client.writer == nil {
                    let writer = DispatchSource.makeWriteSource(fileDescriptor: client.fd, queue: queue)
                    writer.setEventHandler { [unowned self] in flush(client) }
                    writer.setCancelHandler { [unowned self] in release(client) }
                    client.writer = writer
                    client.liveSources += 1
                    writer.resume()
                }
                return
            } else {
                drop(client, reason: "write failed: \(String(cString: strerror(errno)))")
                return
            }
        }
        // Drained: stop watching for writability (it would fire at once, forever).
        client.writer?.cancel()
        client.writer = nil
    }

    private func drop(_ client: Client, reason: String?) {
        guard clients.removeValue(forKey: client.fd) != nil else { return }
        if let reason {
            logger.info("subscriber dropped: \(reason)", metadata: ["fd": "\(client.fd)", "subscribers": "\(clients.count)"])
        }
        client.writer?.cancel()
        client.reader?.cancel()
        client.writer = nil
        client.reader = nil
    }

    private func release(_ client: Client) {
        client.liveSources -= 1
        if client.liveSources == 0 { Glibc.close(client.fd) }
    }
}
