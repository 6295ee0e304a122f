#if canImport(Glibc)
import Glibc
#endif

/// Why a file could not be opened, read or written, in words for the person who typed the
/// path: strerror's terse text ("No such file or directory") does not say whether the file
/// or its folder is missing, so the common cases are spelled out and the rest fall back to it.
enum FileProblem {
    /// For a file being created at `path`: the folder it goes in is what must exist and be writable.
    static func creating(_ path: String, _ code: Int32) -> String {
        let folder = folderOf(path)
        switch code {
        // /proc answers ENOENT too: a folder that exists but takes no new files.
        case ENOENT: return isDirectory(folder) ? "the folder \(folder) takes no new files" : "the folder \(folder) does not exist"
        case EACCES, EPERM: return "permission denied: this user may not create files in \(folder)"
        case ENOTDIR: return "a part of \(folder) is a file, not a folder"
        default: return common(code)
        }
    }

    /// For an existing file being opened or read.
    static func reading(_ code: Int32) -> String {
        switch code {
        case ENOENT: return "there is no such file"
        case EACCES, EPERM: return "permission denied: this user may not read it"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        default: return common(code)
        }
    }

    private static func common(_ code: Int32) -> String {
        switch code {
        case EISDIR: return "it is a directory, not a file"
        case EROFS: return "the file system is read-only"
        case ENOSPC: return "the disk is full"
        case EDQUOT: return "the disk quota is used up"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many symbolic links in the path"
        case EIO: return "an input/output error (the disk or device failed)"
        default: return String(cString: strerror(code))
        }
    }

    /// The folder a path names its file in, as the user would read it.
    static func folderOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }
}
