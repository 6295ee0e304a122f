#if canImport(Glibc)
import Glibc
#endif

/// Writes a file so that it is either all there or not changed at all: the bytes go to a
/// temporary file beside it (created exclusively, with the final mode from the start), are
/// fsync'ed, renamed over the target, and the folder is fsync'ed so the rename survives a
/// power cut. For the ceremony journal, backups, decrypted backups and the simulated cards.
public enum DurableFile {
    /// Why a file could not be written, in plain words (with the path it is about).
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// Replaces (or creates) `path` with `bytes`. Missing folders are created with
    /// `folderMode`; the file gets `mode` (0600 for anything a secret may be read from).
    public static func replace(_ path: String, with bytes: [UInt8], mode: mode_t = 0o600,
                               folderMode: mode_t = 0o700) throws(Failure) {
        let folder = folderOf(path)
        try makeFolders(folder, mode: folderMode)
        try checkNotFolder(path)
        var attempt = 0
        var temporary = ""
        var fd: Int32 = -1
        while fd < 0 {
            attempt += 1
            temporary = folder + "/." + name(of: path) + ".tmp-\(getpid())-\(attempt)"
            fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd < 0, errno != EEXIST || attempt > 100 { throw Failure(reason: explain(errno, creating: path)) }
        }
        do throws(Failure) {
            try writeAll(fd, bytes, path)
            guard fsync(fd) == 0 else { throw Failure(reason: explain(errno, writing: path)) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw Failure(reason: explain(code, creating: path))
        }
        syncFolder(folder)
    }

    /// Checks that `replace` would succeed, changing nothing on disk: `path` is not a folder,
    /// its folder exists (or the nearest existing one can take new folders) and can take a new
    /// file.
    public static func checkWritable(_ path: String) throws(Failure) {
        try checkNotFolder(path)
        var folder = folderOf(path)
        var info = stat()
        while stat(folder, &info) != 0 {
            guard errno == ENOENT, folder != "/", folder != "." else { throw Failure(reason: explain(errno, creating: path)) }
            folder = folderOf(folder)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Failure(reason: "\(folder) is a file, so \(path) cannot be made in it")
        }
        guard access(folder, W_OK | X_OK) == 0 else {
            throw Failure(reason: "\(path) cannot be created: \(folder) is not writable for this user")
        }
    }

    /// The folder part of `path` ("." for a bare name).
    public static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    private static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func checkNotFolder(_ path: String) throws(Failure) {
        var info = stat()
        if stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw Failure(reason: "\(path) is a folder: name a file")
        }
    }

    private static func makeFolders(_ folder: String, mode: mode_t) throws(Failure) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(reason: "\(folder) is a file, not a folder") }
            return
        }
        guard errno == ENOENT else { throw Failure(reason: explain(errno, creating: folder)) }
        let parent = folderOf(folder)
        if parent != folder { try makeFolders(parent, mode: mode) }
        guard mkdir(folder, mode) == 0 || errno == EEXIST else { throw Failure(reason: explain(errno, creating: folder)) }
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw Failure(reason: explain(errno, writing: path)) }
            offset += n
        }
    }

    private static func syncFolder(_ folder: String) {
        let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// errno in the operator's words, for the usual causes; the rest by the system's text.
    static func explain(_ code: Int32, creating path: String) -> String {
        switch code {
        case EACCES, EPERM: return "\(path) cannot be created: permission denied (check the folder's owner and mode)"
        case EROFS: return "\(path) cannot be created: the file system is read-only"
        case ENOSPC, EDQUOT: return "\(path) cannot be created: the disk is full"
        case ENOENT: return "\(path) cannot be created: a folder on its path is missing"
        case ENOTDIR: return "\(path) cannot be created: a part of its path is a file, not a folder"
        case EISDIR: return "\(path) is a folder: name a file"
        default: return "\(path) cannot be created: \(String(cString: strerror(code)))"
        }
    }

    static func explain(_ code: Int32, writing path: String) -> String {
        switch code {
        case ENOSPC, EDQUOT: return "\(path) could not be written: the disk is full"
        case EIO: return "\(path) could not be written: the disk reported an error"
        default: return "\(path) could not be written: \(String(cString: strerror(code)))"
        }
    }
}
