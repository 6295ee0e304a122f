import Ceremony
import Foundation
import Quorum
import Simulator

/// The person at the simulated reader, for unattended ceremonies: inserts the drawer's cards
/// in the planned order, presses OK at prompts, types the PIN on the pad. Everything else is
/// the real station talking to the simulated reader, byte for byte as to hardware.
actor SimulatedOperator: ShareCardStation {
    let reader: SimulatedCCIDReader
    let inner: PINPadStation
    let directory: String
    private var plan: [Int]
    let pin: String
    let newPIN: String?
    private var drawer: [Int: SimulatedTCOSCard] = [:]

    init(reader: SimulatedCCIDReader, inner: PINPadStation, directory: String, plan: [Int], pin: String, newPIN: String?) throws {
        guard pin.utf8.allSatisfy({ (0x30...0x39).contains($0) }), newPIN?.utf8.allSatisfy({ (0x30...0x39).contains($0) }) ?? true else {
            throw CLIError("PINs are digits only")
        }
        self.reader = reader
        self.inner = inner
        self.directory = directory
        self.plan = plan
        self.pin = pin
        self.newPIN = newPIN
    }

    func confirm(_ prompt: CeremonyPrompt) async throws(CeremonyError) -> PadAnswer {
        let accept = prompt != .changePIN || newPIN != nil
        print("[operator] \(accept ? "OK" : "Cancel") on \"\(prompt)\"")
        await reader.press([accept ? .ok : .cancel])
        return try await inner.confirm(prompt)
    }

    func waitForCard() async throws(CeremonyError) -> any ShareCard {
        guard !plan.isEmpty else {
            throw CeremonyError(.readerGone, "the simulated operator has no more cards to insert (see --cards)")
        }
        let number = plan.removeFirst()
        let card: SimulatedTCOSCard
        do { card = try self.card(number) } catch {
            throw CeremonyError(.cardFault, "\(error)")
        }
        await reader.remove(slot: 0)
        await reader.insert(card: card)
        print("[operator] inserts card \(number)")
        return OperatorCard(inner: try await inner.waitForCard(), person: self)
    }

    func inform(_ message: String) async { await inner.inform(message) }

    func typePIN() async {
        print("[operator] types the PIN on the pad and presses OK")
        await reader.press(KeypadKey.digits(pin) + [.ok])
    }

    func typePINChange() async {
        guard let newPIN else { return }
        print("[operator] types the old PIN, the new PIN twice, OK after each")
        await reader.press(KeypadKey.digits(pin) + [.ok] + KeypadKey.digits(newPIN) + [.ok] + KeypadKey.digits(newPIN) + [.ok])
    }

    /// Card `number` of the drawer: its saved state, or a new card with its own serial.
    private func card(_ number: Int) throws -> SimulatedTCOSCard {
        if let card = drawer[number] { return card }
        let path = directory + "/card-\(number)"
        let card: SimulatedTCOSCard
        if let saved = FileManager.default.contents(atPath: path) {
            do { card = try SimulatedTCOSCard(importing: [UInt8](saved)) } catch {
                throw CLIError("simulated card \(number) (\(path)) is unreadable: \(error); delete it for a new card")
            }
        } else {
            card = SimulatedTCOSCard(profile: .trustedPath, serialNumber: UInt64(100 + number))
        }
        drawer[number] = card
        return card
    }

    /// The cards' state holds their PINs: private files in a private folder.
    func saveCards() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        for (number, card) in drawer {
            let path = directory + "/card-\(number)"
            guard FileManager.default.createFile(atPath: path, contents: Data(card.exportState()),
                                                 attributes: [.posixPermissions: 0o600]) else {
                throw CLIError("cannot save simulated card \(number) to \(path)")
            }
        }
    }
}

/// A card in the simulated reader whose PIN the simulated operator types when asked.
struct OperatorCard: ShareCard {
    let inner: any ShareCard
    let person: SimulatedOperator
    var identity: String { inner.identity }

    func inspect() async throws(CeremonyError) -> CardInspection { try await inner.inspect() }

    func verifyOnPad() async throws(CeremonyError) {
        await person.typePIN()
        try await inner.verifyOnPad()
    }

    func writeShare(_ record: ShareRecord) async throws(CeremonyError) { try await inner.writeShare(record) }
    func readShare() async throws(CeremonyError) -> ShareRecord { try await inner.readShare() }

    func changePINOnPad() async throws(CeremonyError) {
        await person.typePINChange()
        try await inner.changePINOnPad()
    }
}
