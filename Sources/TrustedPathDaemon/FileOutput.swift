#if canImport(Glibc)
import Glibc
#endif

/// Whole-line writes straight to a descriptor: no stdio buffer to flush (a `--json` reader
/// on a pipe sees each event at once) and no use of the global `stdout`, which Swift 6
/// treats as shared mutable state.
struct FileOutput: Sendable {
    let fd: Int32

    static let standardOutput = FileOutput(fd: 1)
    static let standardError = FileOutput(fd: 2)

    func write(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }  // stdout gone (EPIPE): nothing left to tell
            bytes = bytes.dropFirst(written)
        }
    }
}

/// The process environment as a dictionary (Foundation-free).
enum Environment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
