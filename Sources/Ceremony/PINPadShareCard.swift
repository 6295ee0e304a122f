import PINPad
import Quorum
import TCOS
import TrustedPathCore

/// A TCOS card in a PIN-pad reader, as the ceremony uses it: the share lives in the card's
/// backup-key share slot, the PIN is typed on the pad.
public struct PINPadShareCard: ShareCard {
    let pad: PINPadReader
    public let identity: String
    static let slot = TCOSSlot.backupKeyShare

    /// Opens the card in the reader and reads its serial number (EF 2F02), which names the
    /// card to the operator and in the journal.
    public static func open(_ pad: PINPadReader) async throws(CeremonyError) -> PINPadShareCard {
        do {
            let commands = try await pad.card().commands
            _ = try await commands.select(path: [0x3F00, 0x2F02], returnFCP: false)
            let gdo = try await commands.readBinary(offset: 0, count: 12)
            let serial = gdo.count == 12 && gdo[0] == 0x5A ? Hex.lower(gdo[2...]) : Hex.lower(gdo)
            return PINPadShareCard(pad: pad, identity: serial)
        } catch let error as PINPadError {
            throw map(error)
        } catch let error as TCOSError where error.code == .transport {
            throw map(PINPadError.from(error))
        } catch let error as TCOSError {
            throw CeremonyError(.foreignCard, "the card does not answer like a TCOS card (\(error)): insert another card")
        } catch {
            throw CeremonyError(.cardFault, "\(error)")
        }
    }

    public func inspect() async throws(CeremonyError) -> CardInspection {
        let status: TCOSCardStatus
        do { status = try await pad.status() } catch { throw Self.map(error) }
        switch status.layout {
        case .foreign(let reason): return CardInspection(kind: .foreign(reason: reason), defaultPINSet: false, triesLeft: nil, blocked: false)
        case .blank: return CardInspection(kind: .foreign(reason: "a blank card without the TrustedPath slots"), defaultPINSet: false, triesLeft: nil, blocked: false)
        case .trustedPath: break
        }
        guard let slot = status.slot(Self.slot.kind) else {
            return CardInspection(kind: .foreign(reason: "no backup key share slot"), defaultPINSet: false, triesLeft: nil, blocked: false)
        }
        let triesLeft: Int?
        let blocked: Bool
        switch slot.pin {
        case .notVerified(let tries)?: (triesLeft, blocked) = (tries, false)
        case .blocked?: (triesLeft, blocked) = (0, true)
        case .verified?, nil: (triesLeft, blocked) = (nil, false)
        }
        // The slot header shows that a share is there, not which: that takes the PIN.
        let kind: CardInspection.Kind = slot.content == .empty ? .empty : .holdsShare(set: nil, x: nil)
        return CardInspection(kind: kind, defaultPINSet: slot.defaultPINSet, triesLeft: triesLeft, blocked: blocked)
    }

    public func verifyOnPad(allowLastTry: Bool) async throws(CeremonyError) {
        do { try await pad.verifyOnPad(slot: Self.slot, allowLastTry: allowLastTry) } catch { throw Self.map(error) }
    }

    public func writeShare(_ record: ShareRecord) async throws(CeremonyError) {
        do {
            try await pad.card().writeSlot(Self.slot, content: .shamirShareRecord, data: record.encoded())
        } catch let error as PINPadError {
            throw Self.map(error)
        } catch {
            throw Self.cardError(error)
        }
    }

    public func readShare() async throws(CeremonyError) -> ShareRecord {
        do {
            let (content, data) = try await pad.card().readSlot(Self.slot)
            guard content == .shamirShareRecord else {
                throw CeremonyError(.foreignCard, "card \(identity) holds no share in its share slot")
            }
            return try data.withBytes { bytes throws(QuorumError) in try ShareRecord(parsing: bytes) }
        } catch let error as CeremonyError {
            throw error
        } catch let error as PINPadError {
            throw Self.map(error)
        } catch let error as QuorumError {
            throw CeremonyError(.cardFault, "card \(identity): \(error)")
        } catch {
            throw Self.cardError(error)
        }
    }

    public func changePINOnPad() async throws(CeremonyError) {
        do { try await pad.changePINOnPad(slot: Self.slot) } catch { throw Self.map(error) }
    }

    // MARK: - Errors

    /// The pad's outcome in the ceremony's terms: which ones ask for a card again, which stop.
    static func map(_ error: PINPadError) -> CeremonyError {
        switch error.code {
        case .wrongPIN: return CeremonyError(.wrongPIN, error.description)
        case .pinBlocked: return CeremonyError(.cardBlocked, error.description)
        case .lastTryRefused: return CeremonyError(.lastTryRefused, error.description)
        case .timeout: return CeremonyError(.timeout, error.description)
        // Cancel during PIN entry: this card is not to be used now; the prompt comes again
        // and Cancel there stops the ceremony.
        case .cancelled: return CeremonyError(.timeout, error.description)
        case .cardRemoved: return CeremonyError(.cardPulled, "the card was taken out, or none is in the reader: insert it")
        case .readerGone: return CeremonyError(.readerGone, error.description)
        case .reader: return CeremonyError(.readerGone, "the reader is not answering: \(error)")
        case .card:
            if let card = error.card { return cardError(card) }
            return CeremonyError(.cardFault, error.description)
        case .noPINPad: return CeremonyError(.noPINPad, error.description)
        case .unsupported, .confirmationMismatch, .protocolError:
            return CeremonyError(.cardFault, error.description)
        }
    }

    static func cardError(_ error: any Error) -> CeremonyError {
        guard let tcos = error as? TCOSError else { return CeremonyError(.cardFault, "\(error)") }
        if tcos.code == .transport { return map(PINPadError.from(tcos)) }
        return CeremonyError(.cardFault, tcos.description)
    }
}
