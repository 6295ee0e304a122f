/// Fixed-width loads from a record already known to be long enough, in the byte order of the
/// machine that wrote it. The caller checks bounds once per header, not once per field: this
/// is the inner loop of reading a capture of millions of packets.
struct RawFields {
    let base: UnsafeRawBufferPointer
    let bigEndian: Bool

    @inline(__always) func u8(_ at: Int) -> UInt8 { base[at] }

    @inline(__always) func u16(_ at: Int) -> UInt16 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: raw) : UInt16(littleEndian: raw)
    }

    @inline(__always) func u32(_ at: Int) -> UInt32 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: raw) : UInt32(littleEndian: raw)
    }

    @inline(__always) func u64(_ at: Int) -> UInt64 {
        let raw = base.loadUnaligned(fromByteOffset: at, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: raw) : UInt64(littleEndian: raw)
    }

    @inline(__always) func i32(_ at: Int) -> Int32 { Int32(bitPattern: u32(at)) }
    @inline(__always) func i64(_ at: Int) -> Int64 { Int64(bitPattern: u64(at)) }

    /// A copy of `count` bytes at `at`; the one allocation a packet costs.
    @inline(__always) func bytes(_ at: Int, _ count: Int) -> [UInt8] {
        guard count > 0, let source = base.baseAddress else { return [] }
        return Array(UnsafeBufferPointer(start: (source + at).assumingMemoryBound(to: UInt8.self), count: count))
    }
}
