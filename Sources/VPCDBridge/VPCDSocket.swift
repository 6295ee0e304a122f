#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One TCP connection to vpcd: blocking reads and writes, called from the bridge's own
/// Dispatch queue. `shutdown()` may be called from any thread to wake a blocked read.
#if canImport(Glibc)
private let socketCloseOnExec = Int32(SOCK_CLOEXEC.rawValue)
#else
private let socketCloseOnExec: Int32 = 0
#endif

final class VPCDSocket: @unchecked Sendable {
    // The descriptor is set once in init and only read afterwards; close happens in deinit.
    let fd: Int32

    /// Connects to vpcd at host:port with TCP_NODELAY.
    init(host: String, port: UInt16) throws(VPCDError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        hints.ai_flags = AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw VPCDError("getaddrinfo(\(host))", errno: EHOSTUNREACH) }
        defer { freeaddrinfo(list) }
        var lastErrno: Int32 = ECONNREFUSED
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | socketCloseOnExec, info.pointee.ai_protocol)
            if fd < 0 { lastErrno = errno; continue }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                var one: Int32 = 1
                // Without TCP_NODELAY each small response waits for the peer's delayed ACK.
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                self.fd = fd
                return
            }
            lastErrno = errno
            close(fd)
        }
        throw VPCDError("connect(\(host):\(port))", errno: lastErrno)
    }

    deinit { close(fd) }

    /// Reads one frame's payload; nil when vpcd closed the connection.
    func readPayload() throws(VPCDError) -> [UInt8]? {
        guard let header = try readExactly(2) else { return nil }
        let length = Int(header[0]) << 8 | Int(header[1])
        if length == 0 { return [] }
        return try readExactly(length)
    }

    func writeFrame(_ payload: [UInt8]) throws(VPCDError) {
        let frame = VPCDMessage.frame(payload)
        var sent = 0
        while sent < frame.count {
            let n = frame.withUnsafeBytes { send(fd, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw VPCDError("send", errno: errno)
            }
            sent += n
        }
    }

    /// Wakes a blocked read (it returns end of stream) so a cancelled bridge stops at once.
    func shutdownBoth() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Acknowledge at once what the next recv gets. Debian's vpcd (vsmartcard 3.3) writes a
    /// frame so that its second part waits for our ACK, and Linux delays that ACK by ~40 ms
    /// while we have nothing to send: measured 20 APDU/s without this, thousands with it.
    /// Linux clears the flag after use, hence once per recv.
    private func quickAck() {
        #if os(Linux)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_QUICKACK, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
    }

    private func readExactly(_ count: Int) throws(VPCDError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            quickAck()
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + got, count - got, 0) }
            if n == 0 { return nil }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return nil }
                throw VPCDError("recv", errno: errno)
            }
            got += n
        }
        return buffer
    }
}
