/// Where a `CaptureReader` gets its bytes. The CLI wraps a file descriptor (`read(2)`), tests
/// and fuzzers use `ArrayByteSource`; the reader never asks for more than its buffer holds,
/// so memory stays flat however large the capture is. A file source is a few lines:
///
///     struct FileSource: CaptureByteSource {
///         let fd: Int32
///         mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
///             while true {
///                 let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
///                 if n >= 0 { return n }
///                 if errno != EINTR { throw Errno(rawValue: errno) }
///             }
///         }
///     }
///
/// Returning fewer bytes than asked is fine; the reader asks again until it has a record.
public protocol CaptureByteSource {
    /// Fills up to `buffer.count` bytes and returns how many; 0 means end of input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Bytes already in memory.
public struct ArrayByteSource: CaptureByteSource, Sendable {
    public let bytes: [UInt8]
    public private(set) var position: Int = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - position)
        guard count > 0, let destination = buffer.baseAddress else { return 0 }
        bytes.withUnsafeBytes { source in
            if let base = source.baseAddress {
                destination.copyMemory(from: base + position, byteCount: count)
            }
        }
        position += count
        return count
    }
}
