#if canImport(Glibc)
import Glibc
#endif

/// Reads a small file (a sysfs attribute, binary ones included: libudev's sysattr API stops
/// at the first NUL) with open/read, no Foundation. Under umockdev the preload redirects
/// /sys here as it does for libudev.
public enum SmallFile {
    /// At most `limit` bytes (sysfs attributes fit a page; the cap keeps a wrong path, a
    /// device node or a huge file, from being slurped); nil when the file can't be opened.
    /// A read error ends the read with what came before it.
    public static func read(_ path: String, limit: Int = 65536) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < limit {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - bytes.count)) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}
