#if canImport(Glibc)
import Glibc
#endif

/// A file the CLI writes, through one descriptor in 64 KiB blocks, under a temporary name
/// beside its path and renamed into place by `commit()`: memory stays flat however large the
/// file grows, and a run that fails (or is refused) leaves no half-written file at the path.
/// Opening refuses an unwritable place before the caller does any work.
final class OutputFile {
    let path: String
    private let temporary: String
    private var descriptor: Int32
    private var pending: [UInt8] = []
    private var finished = false
    private static let blockSize = 1 << 16

    init(path: String) throws(CLIError) {
        guard !path.isEmpty else { throw CLIError("the output file name is empty") }
        guard !path.hasSuffix("/"), !FileProblem.isDirectory(path) else {
            throw CLIError("cannot write \(path): it is a directory; give the name of a file")
        }
        let name = path[(path.lastIndex(of: "/").map(path.index(after:)) ?? path.startIndex)...]
        // The temporary file lies in the same folder, so the rename never crosses file systems.
        var template = Array("\(FileProblem.folderOf(path))/.\(name).tmp-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CLIError("cannot write \(path): \(FileProblem.creating(path, errno))") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        // mkstemp makes the file 0600; give it the mode open(2) with 0644 would, under the
        // user's umask, as these files were made before.
        let mask = umask(0)
        umask(mask)
        _ = fchmod(fd, 0o644 & ~mask)
        self.path = path
        descriptor = fd
        temporary = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        pending.reserveCapacity(Self.blockSize * 2)
    }

    /// Lends the pending block to `body` to append to, then writes it out once it is full.
    func append(_ body: (inout [UInt8]) -> Void) throws(CLIError) {
        body(&pending)
        if pending.count >= Self.blockSize { try flush() }
    }

    func write(_ bytes: some Sequence<UInt8>) throws(CLIError) {
        try append { $0.append(contentsOf: bytes) }
    }

    /// Writes what is pending and renames the file into place.
    func commit() throws(CLIError) {
        try flush()
        finished = true
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw abandon(FileProblem.creating(path, errno)) }
        guard rename(temporary, path) == 0 else { throw abandon(FileProblem.creating(path, errno)) }
    }

    private func flush() throws(CLIError) {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw abandon(FileProblem.creating(path, errno))
            }
            offset += n
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Removes the temporary file, and gives the error to throw.
    private func abandon(_ reason: String) -> CLIError {
        finished = true
        if descriptor >= 0 { _ = close(descriptor) }
        descriptor = -1
        _ = unlink(temporary)
        return CLIError("cannot write \(path): \(reason)")
    }

    deinit {
        guard !finished else { return }
        _ = close(descriptor)
        _ = unlink(temporary)
    }
}
