import Synchronization

/// The operator of an unattended ceremony on the simulated reader, reading the display as a
/// person would: on "Insert n. card" (or the copy's "Insert source" / "Insert target") they
/// put the next card of their plan in and press OK; "Write New Key" and "Read New Key" get
/// OK; "Change PIN now?" gets OK only when they have a new PIN to set. At a PIN entry they
/// type the PIN of the card in the reader: the one they set on it this run, else `pin`.
///
/// What they do is told through `narrate` as they do it, after the reader's own prompt.
public final class CeremonyAttendant: ReaderAttendant {
    public typealias Drawer = @Sendable (_ number: Int) -> (any SimulatedCard)?

    private struct State {
        var plan: [Int]
        var current: Int?
        /// PINs this person set on cards during the run.
        var changed: [Int: String] = [:]
    }

    let drawer: Drawer
    let pin: String
    let newPIN: String?
    let narrate: @Sendable (String) -> Void
    private let state: Mutex<State>

    /// - Parameters:
    ///   - plan: the numbers of the drawer's cards, in the order they are inserted.
    ///   - pin: the PIN typed for each card; `newPIN` the one a PIN change sets.
    public init(plan: [Int], pin: String, newPIN: String?, drawer: @escaping Drawer,
                narrate: @escaping @Sendable (String) -> Void) {
        self.drawer = drawer
        self.pin = pin
        self.newPIN = newPIN
        self.narrate = narrate
        state = Mutex(State(plan: plan))
    }

    /// The cards not inserted yet.
    public var remainingPlan: [Int] { state.withLock { $0.plan } }

    public func react(to event: ReaderEvent) -> [AttendantAction] {
        switch event {
        case .prompt(let lines): return answer(lines.first ?? "")
        case .pinEntry(.verify):
            narrate("[operator] types the PIN on the pad and presses OK")
            return [.press(KeypadKey.digits(currentPIN()) + [.ok])]
        case .pinEntry(.change(let askCurrent, let confirm)):
            let old = currentPIN()
            let new = newPIN ?? old
            state.withLock { state in if let card = state.current { state.changed[card] = new } }
            narrate("[operator] types " + (askCurrent ? "the current PIN, then " : "") + "the new PIN"
                + (confirm ? " twice" : "") + ", OK after each")
            var keys = askCurrent ? KeypadKey.digits(old) + [.ok] : []
            keys += KeypadKey.digits(new) + [.ok]
            if confirm { keys += KeypadKey.digits(new) + [.ok] }
            return [.press(keys)]
        }
    }

    private func answer(_ line: String) -> [AttendantAction] {
        if line.hasPrefix("Insert") { return insertNext() }
        if line.hasPrefix("Change PIN") {
            narrate("[operator] presses \(newPIN == nil ? "Cancel" : "OK")")
            return [.press([newPIN == nil ? .cancel : .ok])]
        }
        narrate("[operator] presses OK")
        return [.press([.ok])]
    }

    private func insertNext() -> [AttendantAction] {
        let number: Int? = state.withLock { state in
            guard !state.plan.isEmpty else { return nil }
            let next = state.plan.removeFirst()
            state.current = next
            return next
        }
        guard let number else {
            narrate("[operator] has no more cards to insert (see --cards) and presses Cancel")
            return [.press([.cancel])]
        }
        guard let card = drawer(number) else {
            narrate("[operator] cannot find card \(number) and presses Cancel")
            return [.press([.cancel])]
        }
        narrate("[operator] inserts card \(number) and presses OK")
        return [.remove, .insert(card), .press([.ok])]
    }

    private func currentPIN() -> String {
        state.withLock { state in state.current.flatMap { state.changed[$0] } } ?? pin
    }
}
