import Foundation

/// A value guarded by a lock, shared between Swift tasks and libusb's event thread.
///
/// Why not `Synchronization.Mutex`: the package still declares macOS 14, where `Mutex` is
/// unavailable, and this module must build wherever libusb does. Why not an actor: the
/// libusb completion callback runs synchronously on the event thread and must update the
/// state before it returns (the transfer memory is freed right after), so it cannot hop
/// onto an actor.
final class Locked<State>: @unchecked Sendable {
    // Invariant that makes the @unchecked sound: `state` is only touched inside `withLock`.
    private let lock = NSLock()
    private var state: State

    init(_ state: State) { self.state = state }

    func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }
}
