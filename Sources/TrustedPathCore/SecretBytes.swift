/// Bytes that must never be printed, logged or left in memory: PINs, shares, keys.
///
/// The storage is a class so that there is exactly one copy to wipe; `deinit` overwrites it
/// with zeros through a volatile-style loop the optimiser cannot drop. Copies of the struct
/// share the storage, so handing a secret around never multiplies it in memory.
public struct SecretBytes: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    private final class Storage: @unchecked Sendable {
        // Mutated only in init and deinit, where no other reference exists.
        var bytes: [UInt8]
        init(_ bytes: [UInt8]) { self.bytes = bytes }
        deinit { SecretBytes.wipe(&bytes) }
    }

    private let storage: Storage

    /// Takes ownership of `bytes`; the caller should wipe its own copy (or pass a temporary).
    public init(_ bytes: [UInt8]) { storage = Storage(bytes) }

    public init(consuming bytes: inout [UInt8]) {
        storage = Storage(bytes)
        SecretBytes.wipe(&bytes)
    }

    public var count: Int { storage.bytes.count }

    /// The secret's bytes, lent for the duration of `body` only.
    public func withBytes<R, E: Error>(_ body: ([UInt8]) throws(E) -> R) throws(E) -> R {
        try body(storage.bytes)
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }

    /// Overwrites with zeros. `withUnsafeMutableBytes` plus an opaque store keeps the writes
    /// from being elided as dead.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            for i in 0..<raw.count { base.storeBytes(of: 0, toByteOffset: i, as: UInt8.self) }
            _blackHole(base)
        }
    }

    /// Compares in time independent of where the first difference is.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        storage.bytes.withUnsafeBufferPointer { a in
            other.storage.bytes.withUnsafeBufferPointer { b in
                guard a.count == b.count else { return false }
                var diff: UInt8 = 0
                for i in 0..<a.count { diff |= a[i] ^ b[i] }
                return diff == 0
            }
        }
    }
}

@inline(never)
@_optimize(none)
func _blackHole(_ pointer: UnsafeMutableRawPointer) {}
