import APDU
import CCID
import CCIDReader
import TCOS

/// PIN verification and change on the keypad.
extension PINPadReader {
    /// Verifies the slot's PIN typed on the pad. First the retry counter (no PIN sent): a
    /// blocked PIN, or one try left without `allowLastTry`, is refused before the pad asks.
    /// Then PC_to_RDR_Secure with the VERIFY template; the pad sends VERIFY only after OK.
    ///
    /// Throws `.wrongPIN` (tries left), `.pinBlocked`, `.lastTryRefused`, `.timeout`,
    /// `.cancelled`, or `.card`/`.reader` for everything else.
    public func verifyOnPad(slot: TCOSSlot, allowLastTry: Bool = false) async throws(PINPadError) {
        // The PIN is typed on a keypad or not at all: never on the host.
        guard transport.supportsPINVerify else { throw PINPadError(.noPINPad, transport.label) }
        let card = try await card()
        do { _ = try await card.preparePINEntry(slot, allowLastTry: allowLastTry) } catch { throw PINPadError.from(error) }
        let template = SecurePINTemplate.verify(reference: slot.pinReference, format: options.pinFormat)
        let verify = try template.ccidVerify(options: options)
        announce(["Enter PIN"], fallback: ["Enter the \(slot.name) PIN", "on the reader's keypad and press OK"])
        let answer = try await secure(.verify(verify), entries: 1)
        do { try TCOSCard.checkPINAnswer(answer, slot: slot, command: "VERIFY on the PIN pad") } catch {
            throw PINPadError.from(error)
        }
    }

    /// Changes the slot's PIN on the pad: current PIN, new PIN, new PIN again; the pad sends
    /// CHANGE REFERENCE DATA only when both new entries agree. Then the slot header's
    /// transport-PIN flag is cleared as `TCOSCard.changePIN` does; a card that wants the new
    /// PIN verified first gets one more pad entry.
    public func changePINOnPad(slot: TCOSSlot, allowLastTry: Bool = false) async throws(PINPadError) {
        guard transport.supportsPINModify else {
            throw PINPadError(.noPINPad, "this reader's pad verifies PINs but cannot change them (bPINSupport)")
        }
        let card = try await card()
        let header: TCOSSlotHeader
        do { header = try await card.preparePINEntry(slot, allowLastTry: allowLastTry) } catch {
            throw PINPadError.from(error)
        }
        let template = SecurePINTemplate.changeReferenceData(reference: slot.pinReference, format: options.pinFormat,
                                                             confirmNewPIN: true)
        let modify = try template.ccidModify(options: options)
        announce(["Enter PIN, then the new PIN twice"],
                 fallback: ["Change the \(slot.name) PIN on the reader's keypad:",
                            "current PIN, OK; new PIN, OK; new PIN again, OK"])
        let answer = try await secure(.modify(modify), entries: 3)
        do {
            try TCOSCard.checkPINAnswer(answer, slot: slot, command: "CHANGE REFERENCE DATA on the PIN pad")
            guard try await card.recordPINChanged(slot, header: header) == .needsVerifiedPIN else { return }
        } catch {
            throw PINPadError.from(error)
        }
        // The new PIN, typed once more, verified through the same checks; then the header again.
        try await verifyOnPad(slot: slot, allowLastTry: false)
        do throws(TCOSError) {
            guard try await card.recordPINChanged(slot, header: header) == .written else {
                throw TCOSError(.securityStatusNotSatisfied, field: "slot header", "still refused after VERIFY")
            }
        } catch {
            throw PINPadError.from(error)
        }
    }

    /// Tells the operator what the pad is asking (or, without a display, what to do).
    func announce(_ onPad: [String], fallback: [String]) {
        if hasDisplay {
            for line in onPad { messages(PadMessage(.onPad, [line])) }
        } else {
            messages(PadMessage(.hostFallback, fallback))
        }
    }

    /// PIN entry on the pad, and the outcomes a reader reports itself: bError F0/EF (CCID),
    /// or SW 6400/6401 that some readers and PC/SC drivers put in the answer instead (libccid
    /// does, behind pcscd), and 6402, PC/SC part 10's "new PIN and confirmation differ".
    private func secure(_ operation: CCIDPINOperation, entries: Int) async throws(PINPadError) -> ResponseAPDU {
        let seconds = Int(options.entryTimeoutSeconds == 0 ? 30 : options.entryTimeoutSeconds)
        let bytes = try await transport.secure(operation, timeoutSeconds: seconds, entries: entries, options: options)
        let answer: ResponseAPDU
        do { answer = try ResponseAPDU(parsing: bytes) } catch {
            throw PINPadError(.protocolError, "PIN entry answer: \(error)")
        }
        switch answer.statusWord.rawValue {
        case 0x6400: throw PINPadError(.timeout, timeoutSeconds: seconds, "SW 6400")
        case 0x6401: throw PINPadError(.cancelled, "SW 6401")
        case 0x6402: throw PINPadError(.confirmationMismatch, "SW 6402")
        default: return answer
        }
    }
}
