/// Where a `CaptureReader` gets its bytes. The CLI wraps a file descriptor (`read(2)`), tests
/// and fuzzers use `ArrayByteSource`; the reader never asks for more than its buffer holds,
/// so memory stays flat however large the capture is.
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
