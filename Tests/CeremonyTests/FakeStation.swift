import Foundation
import Quorum
import TrustedPathCore
@testable import Ceremony

/// A card in a drawer: its share slot, its PIN state, and faults scripted for a test.
actor FakeCard: ShareCard {
    nonisolated let identity: String
    private(set) var stored: [UInt8]?
    private(set) var defaultPIN = true
    private(set) var verifications = 0
    /// Whether the last verification was allowed to spend the last try.
    private(set) var lastTryAllowed = false
    var foreign = false
    var blocked = false
    /// Like a TCOS card: the slot header says a share is there, not which one.
    var hidesShare = false
    /// Errors the next verifications throw, in order (then it succeeds).
    var verifyFaults: [CeremonyError.Code] = []
    /// Writes that fail as if the card were pulled.
    var pulledWrites = 0

    init(_ identity: String) { self.identity = identity }

    func script(verifyFaults: [CeremonyError.Code] = [], pulledWrites: Int = 0, foreign: Bool = false,
                hidesShare: Bool = false) {
        self.verifyFaults = verifyFaults
        self.pulledWrites = pulledWrites
        self.foreign = foreign
        self.hidesShare = hidesShare
    }

    func inspect() throws(CeremonyError) -> CardInspection {
        if foreign { return CardInspection(kind: .foreign(reason: "no TrustedPath slots"), defaultPINSet: false, triesLeft: nil, blocked: false) }
        let kind: CardInspection.Kind
        if let stored, let record = try? ShareRecord(parsing: stored) {
            kind = hidesShare ? .holdsShare(set: nil, x: nil) : .holdsShare(set: record.setLabel, x: record.x)
        } else {
            kind = .empty
        }
        return CardInspection(kind: kind, defaultPINSet: defaultPIN, triesLeft: blocked ? 0 : 3, blocked: blocked)
    }

    func verifyOnPad(allowLastTry: Bool) throws(CeremonyError) {
        verifications += 1
        lastTryAllowed = allowLastTry
        if !verifyFaults.isEmpty {
            let code = verifyFaults.removeFirst()
            if code == .cardBlocked { blocked = true }
            throw CeremonyError(code, "card \(identity): \(code.rawValue)")
        }
    }

    func writeShare(_ record: ShareRecord) throws(CeremonyError) {
        if pulledWrites > 0 {
            pulledWrites -= 1
            throw CeremonyError(.cardPulled, "card \(identity) was pulled while writing: insert it again")
        }
        stored = record.encoded().withBytes { $0 }
    }

    func readShare() throws(CeremonyError) -> ShareRecord {
        guard let stored else { throw CeremonyError(.cardFault, "card \(identity) holds no share") }
        do { return try ShareRecord(parsing: stored) } catch { throw CeremonyError(.cardFault, error.description) }
    }

    func changePINOnPad() throws(CeremonyError) { defaultPIN = false }
}

/// The operator and the PIN pad, scripted: which card goes in next, what the pad answers.
actor FakeStation: ShareCardStation {
    /// `noCard`: OK pressed with the reader's slot empty.
    enum Insert { case card(FakeCard), noCard, unplug }
    private var inserts: [Insert]
    private var answers: [PadAnswer]
    private(set) var prompts: [CeremonyPrompt] = []
    private(set) var messages: [String] = []

    init(inserts: [Insert], answers: [PadAnswer] = []) {
        self.inserts = inserts
        self.answers = answers
    }

    func queue(_ more: [Insert]) { inserts += more }

    func confirm(_ prompt: CeremonyPrompt) throws(CeremonyError) -> PadAnswer {
        prompts.append(prompt)
        return answers.isEmpty ? .ok : answers.removeFirst()
    }

    func waitForCard() throws(CeremonyError) -> any ShareCard {
        guard !inserts.isEmpty else { throw CeremonyError(.readerGone, "the reader was unplugged") }
        switch inserts.removeFirst() {
        case .card(let card): return card
        case .noCard: throw CeremonyError(.cardPulled, "no card in the reader: insert the card, then press OK")
        case .unplug: throw CeremonyError(.readerGone, "the reader was unplugged")
        }
    }

    func inform(_ message: String) { messages.append(message) }
}

func temporaryJournal() -> JournalStore {
    JournalStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).json").path)
}
