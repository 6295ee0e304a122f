#if canImport(Glibc)
import Glibc
#endif

/// sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET per state change
/// ("READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..."). Silent when not under systemd.
struct SystemdNotifier: Sendable {
    let path: String?

    init(environment: [String: String]) {
        path = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Returns false when there is a socket and the datagram could not be sent.
    @discardableResult
    func send(_ state: String) -> Bool {
        guard let path else { return true }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard var address = UnixAddress(path) else { return false }
        let sent = address.withSockaddr { pointer, length in
            state.utf8CString.withUnsafeBytes { bytes in
                sendto(fd, bytes.baseAddress, bytes.count - 1, Int32(MSG_NOSIGNAL), pointer, length)
            }
        }
        return sent >= 0
    }
}

/// A sockaddr_un for a path; "@name" is an abstract socket (leading NUL), as systemd writes it.
struct UnixAddress {
    private var storage = sockaddr_un()
    private let length: socklen_t

    init?(_ path: String) {
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: storage.sun_path)
        guard !bytes.isEmpty, bytes.count < capacity else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let base = MemoryLayout<sockaddr_un>.offset(of: \sockaddr_un.sun_path)!
        // An abstract name's length is exact; a path's includes its terminating NUL.
        length = socklen_t(base + bytes.count + (abstract ? 0 : 1))
    }

    mutating func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        let length = self.length
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}
