#if canImport(Glibc)
import Glibc
#endif
import Transcript

/// A capture file read through `read(2)` in the reader's own buffer: memory stays flat
/// however large the file is.
struct FileByteSource: CaptureByteSource {
    let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    init(path: String) throws(CLIError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError("cannot read \(path): \(FileProblem.reading(errno))") }
        // A directory opens; only its first read would fail, with less to say.
        var status = stat()
        guard fstat(fd, &status) != 0 || status.st_mode & S_IFMT != S_IFDIR else {
            _ = Glibc.close(fd)
            throw CLIError("cannot read \(path): it is a directory, not a file")
        }
        descriptor = fd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw CLIError(FileProblem.reading(errno)) }
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

/// Writes a whole file the CLI produces (see `OutputFile`: no half file is left on failure).
func writeFile(_ path: String, _ bytes: [UInt8]) throws(CLIError) {
    let file = try OutputFile(path: path)
    try file.write(bytes)
    try file.commit()
}

/// The whole of a small input file, or of standard input for "-".
func readWholeFile(_ path: String) throws(CLIError) -> [UInt8] {
    let source = path == "-" ? FileByteSource(descriptor: STDIN_FILENO) : try FileByteSource(path: path)
    defer { if path != "-" { source.close() } }
    var bytes: [UInt8] = []
    var block = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n: Int
        do { n = try block.withUnsafeMutableBytes { try source.read(into: $0) } } catch {
            throw CLIError("cannot read \(path == "-" ? "standard input" : path): \(error)")
        }
        if n == 0 { return bytes }
        bytes.append(contentsOf: block[..<n])
    }
}

/// A failure the CLI reports in one line, with a non-zero exit status.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
