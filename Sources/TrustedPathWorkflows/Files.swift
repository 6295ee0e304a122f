#if canImport(Glibc)
import Glibc
#endif
import POSIXSupport
import TrustedPathCore

/// The files a workflow reads and writes, checked before anything is shown on the pad and
/// written whole or not at all. Every refusal names the file, what it was for, and why.
public enum Files {
    /// The bytes of an input file. A folder, a missing or unreadable file, an empty one and
    /// one over `limit` bytes are refused with what was wrong.
    public static func read(_ path: String, as what: String, limit: Int = 1 << 30) throws(WorkflowError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw WorkflowError(.file, "\(what) \(path) " + (errno == ENOENT ? "does not exist" : "cannot be read: \(reason(errno))"))
        }
        guard info.st_mode & S_IFMT != S_IFDIR else { throw WorkflowError(.file, "\(what) \(path) is a folder: name a file") }
        guard Int(info.st_size) <= limit else {
            throw WorkflowError(.file, "\(what) \(path) is \(info.st_size) bytes; it has at most \(limit)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WorkflowError(.file, "\(what) \(path) cannot be read: \(reason(errno))") }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        defer { SecretBytes.wipe(&chunk) }
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw WorkflowError(.file, "\(what) \(path) cannot be read: \(reason(errno))") }
            if n == 0 { break }
            bytes += chunk[..<n]
            guard bytes.count <= limit else {
                SecretBytes.wipe(&bytes)
                throw WorkflowError(.file, "\(what) \(path) is more than \(limit) bytes; it has at most \(limit)")
            }
        }
        guard !bytes.isEmpty else { throw WorkflowError(.file, "\(what) \(path) is empty") }
        return bytes
    }

    /// Refuses an output that could not be written, changing nothing: a folder, a path whose
    /// folder cannot take a new file, or the very file an input is read from.
    /// - Parameter keepExisting: refuse a file that exists already (a backup is never
    ///   overwritten: it may be the only one made under an older key).
    public static func checkOutput(_ path: String, as what: String, inputs: [String] = [],
                                   keepExisting: Bool = false) throws(WorkflowError) {
        for input in inputs where sameFile(input, path) {
            throw WorkflowError(.invalidRequest, "\(what) \(path) is the input file itself: name another file, so the input is kept")
        }
        var info = stat()
        if keepExisting, stat(path, &info) == 0, info.st_mode & S_IFMT != S_IFDIR {
            throw WorkflowError(.file, "\(what) \(path) exists already and is never overwritten: name a new file "
                + "(or move the old one away first)")
        }
        do throws(DurableFile.Failure) { try DurableFile.checkWritable(path) } catch {
            throw WorkflowError(.file, "\(what): \(error.reason)")
        }
    }

    /// Writes `bytes` to `path` whole or not at all (temporary file, fsync, rename).
    public static func write(_ path: String, _ bytes: [UInt8], mode: mode_t, as what: String) throws(WorkflowError) {
        do throws(DurableFile.Failure) { try DurableFile.replace(path, with: bytes, mode: mode, folderMode: 0o700) } catch {
            throw WorkflowError(.file, "\(what): \(error.reason)")
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    static func folder(of path: String) -> String { DurableFile.folderOf(path) }

    static func sameFile(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        var x = stat(), y = stat()
        guard stat(a, &x) == 0, stat(b, &y) == 0 else { return false }
        return x.st_dev == y.st_dev && x.st_ino == y.st_ino
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "it does not exist"
        case ENOTDIR: return "a part of its path is a file, not a folder"
        case EIO: return "the disk reported an error"
        default: return String(cString: strerror(code))
        }
    }
}
