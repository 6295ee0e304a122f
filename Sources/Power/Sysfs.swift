import POSIXSupport
#if canImport(Glibc)
import Glibc
#endif

/// Thin Glibc access to sysfs and usbfs (no Foundation in Power: the daemon's memory budget).
///
/// Every path is prefixed with `root`, "" on a real system. Under umockdev the preload
/// library already redirects /sys and /dev, so only the unit tests set a root: a scratch
/// directory laid out like sysfs.
public struct Sysfs: Sendable {
    /// The failure of one system call, with the errno that says why.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var operation: String
        public var path: String
        public var errno: Int32

        public var description: String { "\(operation) \(path): \(String(cString: strerror(errno)))" }
        public var isPermission: Bool { errno == EACCES || errno == EPERM || errno == EROFS }
        public var isMissing: Bool { errno == ENOENT || errno == ENOTDIR }
    }

    public var root: String

    public init(root: String = "") {
        self.root = root
    }

    public static let usbDevices = "/sys/bus/usb/devices"

    public func exists(_ path: String) -> Bool {
        access(root + path, F_OK) == 0
    }

    /// The attribute's text without the trailing newline the kernel adds; nil if unreadable.
    public func read(_ path: String) -> String? {
        guard var bytes = SmallFile.read(root + path) else { return nil }
        while let last = bytes.last, last == 0x0A || last == 0x20 || last == 0x00 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `value` in one write(2), as the kernel's store handlers expect.
    public func write(_ path: String, _ value: String) throws(Failure) {
        // O_TRUNC as `echo 1 > attribute` does: sysfs ignores it, and emulated attributes
        // (umockdev, the unit tests' scratch tree) are regular files.
        let fd = open(root + path, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open for writing", path: path, errno: errno) }
        defer { close(fd) }
        let bytes = Array(value.utf8)
        var n: Int
        repeat {
            n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        } while n < 0 && errno == EINTR
        guard n == bytes.count else {
            throw Failure(operation: "write \"\(value)\" to", path: path, errno: n < 0 ? errno : EIO)
        }
    }

    /// The target of a symbolic link, as stored (usually relative); nil if not a link.
    public func linkTarget(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink(root + path, &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The names in a directory, without "." and ".."; empty if it can't be listed.
    public func list(_ path: String) -> [String] {
        guard let dir = opendir(root + path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// USBDEVFS_RESET on the device node: the kernel resets the port and re-enumerates the
    /// device at the same address, rebinding its drivers.
    public func usbfsReset(_ node: String) throws(Failure) {
        let fd = open(root + node, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(operation: "open", path: node, errno: errno) }
        defer { close(fd) }
        // _IO('U', 20): the macro is function-like, so Swift does not import it.
        let usbdevfsReset: UInt = 0x5514
        guard ioctl(fd, usbdevfsReset) == 0 else {
            throw Failure(operation: "USBDEVFS_RESET on", path: node, errno: errno)
        }
    }
}
