/// The simulated person at a reader: what they see the reader do, and what they do about it
/// (change the card, press keys). The reader asks at the moments a person would act: a prompt
/// on its display, a PIN entry starting. So the host side stays the code that runs against
/// hardware, and the simulated operator lives where a real one stands: at the device.
public protocol ReaderAttendant: Sendable {
    func react(to event: ReaderEvent) -> [AttendantAction]
}

public enum ReaderEvent: Sendable, Hashable {
    /// The display shows these lines and waits for OK or Cancel.
    case prompt([String])
    /// The pad asks for a PIN: one entry to verify it, or the entries of a change.
    case pinEntry(PINEntryKind)
}

public enum PINEntryKind: Sendable, Hashable {
    case verify
    case change(askCurrent: Bool, confirm: Bool)
}

public enum AttendantAction: Sendable {
    /// Takes the card out of slot 0 (if there is one).
    case remove
    /// Puts a card into slot 0.
    case insert(any SimulatedCard)
    /// Presses these keys, in order, from now on.
    case press([KeypadKey])
}

extension SimulatedCCIDReader {
    /// The person who will stand at this reader from now on.
    public func attend(_ attendant: (any ReaderAttendant)?) { self.attendant = attendant }

    /// Calls `watcher` with each screen the display shows from now on (the screens a person
    /// at the reader would read).
    public func watchDisplay(_ watcher: (@Sendable ([String]) -> Void)?) { displayWatcher = watcher }

    /// Lets the attendant act on `event` before the reader reads its keypad.
    func notifyAttendant(_ event: ReaderEvent) {
        guard let attendant else { return }
        for action in attendant.react(to: event) {
            switch action {
            case .remove: remove(slot: 0)
            case .insert(let card): insert(card: card, slot: 0)
            case .press(let keys): keypad.enqueue(keys)
            }
        }
    }
}
