import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// `trustedpath monitor`: subscribes to trustedpathd's event socket and prints its lines.
struct MonitorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "monitor",
        abstract: "Print trustedpathd's device events, one JSON object a line.",
        discussion: """
            Connects to the daemon's event socket. The first lines name the devices attached \
            now (reader-added, ped-added), then every event as it happens. Ends when the \
            daemon closes the socket, or after --count lines.
            """)

    @Option(help: "The daemon's event socket.") var socket = "/run/trustedpath/events.sock"
    @Option(parsing: .unconditional, help: "Stop after this many events (1 or more).", transform: CountOption.within(1...Int.max))
    var count: Int?

    func run() throws {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(socket.utf8)
        guard path.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw ValidationError("socket path too long: \(socket)")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: path) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            FileOutputCLI.standardError("trustedpath monitor: cannot connect to \(socket): \(reason) "
                + "(is trustedpathd running, and are you in its group?)\n")
            throw ExitCode.failure
        }
        var seen = 0
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while count.map({ seen < $0 }) ?? true {
            let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { break }
            for byte in buffer[0..<got] {
                line.append(byte)
                guard byte == UInt8(ascii: "\n") else { continue }
                FileOutputCLI.standardOutput(line)
                line.removeAll(keepingCapacity: true)
                seen += 1
                if let count, seen >= count { return }
            }
        }
    }
}

/// Unbuffered writes for streaming output: each event reaches a pipe as it comes.
enum FileOutputCLI {
    static func standardOutput(_ bytes: [UInt8]) { writeAll(1, bytes) }
    static func standardError(_ text: String) { writeAll(2, Array(text.utf8)) }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let written = rest.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            rest = rest.dropFirst(written)
        }
    }
}
