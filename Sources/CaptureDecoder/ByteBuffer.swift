/// The JSON writer's output: a growable byte buffer written a byte at a time at high rates.
///
/// `Array.append` through generic paths, and stored `var`s of a class (which Swift guards
/// with run-time exclusivity checks on every access), were most of the decoder's output
/// cost. This is a copy-on-write struct: the memory belongs to an immutable class instance
/// and the struct caches its pointer. The writer makes room for a whole line once
/// (`ensureRoom`: one uniqueness test and bounds check), then each byte is a store.
public struct ByteBuffer {
    private final class Allocation {
        let pointer: UnsafeMutablePointer<UInt8>
        let capacity: Int

        init(capacity: Int) {
            self.capacity = capacity
            pointer = .allocate(capacity: capacity)
        }

        deinit { pointer.deallocate() }
    }

    private var allocation: Allocation
    private var storage: UnsafeMutablePointer<UInt8>
    public private(set) var count = 0

    public init(capacity: Int = 1 << 16) {
        allocation = Allocation(capacity: max(64, capacity))
        storage = allocation.pointer
    }

    /// Makes room for `extra` more bytes, so that many `appendUnchecked` calls may follow.
    @inline(__always)
    public mutating func ensureRoom(_ extra: Int) {
        if count + extra > allocation.capacity || !isKnownUniquelyReferenced(&allocation) { reserve(count + extra) }
    }

    /// Appends without checking room or uniqueness: only after `ensureRoom` covered it.
    @inline(__always)
    mutating func appendUnchecked(_ byte: UInt8) {
        storage[count] = byte
        count += 1
    }

    @inline(__always)
    mutating func appendUnchecked(_ pointer: UnsafeRawBufferPointer) {
        guard let base = pointer.baseAddress else { return }
        (storage + count).update(from: base.assumingMemoryBound(to: UInt8.self), count: pointer.count)
        count += pointer.count
    }

    /// The bytes written so far, lent for the duration of `body`.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withExtendedLifetime(allocation) { try body(UnsafeRawBufferPointer(start: storage, count: count)) }
    }

    public var bytes: [UInt8] {
        withExtendedLifetime(allocation) { Array(UnsafeBufferPointer(start: storage, count: count)) }
    }

    public mutating func removeAll() { count = 0 }

    /// Moves to a new allocation that is ours alone and holds at least `needed` bytes.
    private mutating func reserve(_ needed: Int) {
        var capacity = allocation.capacity
        while capacity < needed { capacity *= 2 }
        let fresh = Allocation(capacity: capacity)
        fresh.pointer.update(from: storage, count: count)
        allocation = fresh
        storage = fresh.pointer
    }
}
