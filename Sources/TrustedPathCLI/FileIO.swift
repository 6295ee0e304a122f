#if canImport(Glibc)
import Glibc
#endif
import Transcript

/// A capture file read through `read(2)` in the reader's own buffer: memory stays flat
/// however large the file is.
struct FileByteSource: CaptureByteSource {
    let descriptor: Int32

    init(path: String) throws(CLIError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("cannot open \(path): \(String(cString: strerror(errno)))") }
        descriptor = fd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw CLIError("read failed: \(String(cString: strerror(errno)))") }
        }
    }

    func close() { _ = Glibc.close(descriptor) }
}

/// Buffered standard output: decoding prints one line per message, half a million of them in
/// the benchmark, so lines are gathered and written in large blocks.
struct OutputBuffer {
    private(set) var bytes: [UInt8] = []
    private let threshold = 1 << 16

    init() { bytes.reserveCapacity(threshold * 2) }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count >= threshold { flush() }
    }

    mutating func append(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
        if bytes.count >= threshold { flush() }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes(writeStandardOutput)
        bytes.removeAll(keepingCapacity: true)
    }
}

/// Writes all of `raw` to standard output, retrying short writes.
func writeStandardOutput(_ raw: UnsafeRawBufferPointer) {
    guard let base = raw.baseAddress else { return }
    var offset = 0
    while offset < raw.count {
        let n = write(STDOUT_FILENO, base + offset, raw.count - offset)
        if n < 0, errno == EINTR { continue }
        if n <= 0 { return }
        offset += n
    }
}

/// Writes a whole file, for captures the CLI produces.
func writeFile(_ path: String, _ bytes: [UInt8]) throws(CLIError) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw CLIError("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { _ = close(fd) }
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
        if n < 0 {
            if errno == EINTR { continue }
            throw CLIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        offset += n
    }
}

/// A failure the CLI reports in one line, with a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
