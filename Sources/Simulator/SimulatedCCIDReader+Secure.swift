import CCID
import TrustedPathCore

/// PC_to_RDR_Secure (CCID 1.1 §6.1.11): the reader prompts, reads the keypad, formats the
/// PIN into the host's APDU template and sends that APDU to the card. The digits exist only
/// here and inside the APDU to the card; both are wiped once the card has answered.
extension SimulatedCCIDReader {
    enum PINEntry {
        case entered([UInt8])
        case timeout
        case cancelled
    }

    func secure(_ message: CCIDMessage, _ operation: CCIDPINOperation) {
        guard profile.hasKeypad else { return send(message, failed: .commandNotSupported) }
        guard requireActiveCard(message) else { return }
        if case .other(let code, _) = operation, code == Self.resendIBlock {
            return resendPINBlock(message)
        }
        // A new PIN entry: whatever the last one left behind goes.
        SecretBytes.wipe(&slots[Int(message.slot)].lastPINBlock)
        slots[Int(message.slot)].lastPINBlock = []
        switch operation {
        case .verify: notifyAttendant(.pinEntry(.verify))
        case .modify(let modify):
            notifyAttendant(.pinEntry(.change(askCurrent: modify.bConfirmPIN & 0x02 != 0, confirm: modify.bConfirmPIN & 0x01 != 0)))
        case .other: break
        }
        var apdu: [UInt8]
        switch operation {
        case .verify(let verify):
            guard let built = buildVerify(message, verify) else { return }
            apdu = built
        case .modify(let modify):
            guard let built = buildModify(message, modify) else { return }
            apdu = built
        case .other:
            return send(message, failed: .commandNotSupported)
        }
        defer { SecretBytes.wipe(&apdu) }
        let prologue = operation.prologue
        let slot = Int(message.slot)
        guard var card = slots[slot].card else { return }
        slots[slot].card = nil
        defer { slots[slot].card = card }
        var answer: [UInt8]
        if profile.exchangeLevel == .tpdu || profile.exchangeLevel == .character {
            if slots[slot].parameters.protocolNumber == 1 {
                // The host gives NAD and PCB (bTeoPrologue) from its T=1 session; LEN is the
                // APDU's as built here (the PIN may have changed Lc) and the EDC is the reader's.
                // The block is kept (secret) in case the card asks for it again.
                let block = T1Block.encode(nad: prologue[0], pcb: prologue[1], inf: apdu[...], edc: slots[slot].t1.edc)
                slots[slot].lastPINBlock = block
                guard let reply = t1Line(slot: slot, block, card: &card) else { return send(message, failed: .iccMute) }
                answer = reply
            } else {
                answer = slots[slot].t0.receive(apdu, card: &card)
            }
        } else {
            answer = card.process(apdu: apdu)
        }
        send(message, data: answer)
    }

    /// bPINOperation 05 (CCID 1.1 §6.1.11): "re-send last I-block", valid only for T=1, for
    /// a card that asked for the PIN block again with an R-block. The PIN is not typed again.
    private func resendPINBlock(_ message: CCIDMessage) {
        let slot = Int(message.slot)
        guard profile.exchangeLevel == .tpdu, slots[slot].parameters.protocolNumber == 1,
              !slots[slot].lastPINBlock.isEmpty, var card = slots[slot].card else {
            // bPINOperation is byte 10 of the message.
            return send(message, failed: CCIDSlotError(rawValue: 10))
        }
        slots[slot].card = nil
        defer { slots[slot].card = card }
        guard let answer = t1Line(slot: slot, slots[slot].lastPINBlock, card: &card) else {
            return send(message, failed: .iccMute)
        }
        send(message, data: answer)
    }

    static let resendIBlock: UInt8 = 0x05

    private func buildVerify(_ message: CCIDMessage, _ verify: CCIDPINVerify) -> [UInt8]? {
        // abPINApdu starts at byte 25 of the message (10 header, 1 bPINOperation, 14 fixed).
        guard verify.apdu.count >= 5 else { send(message, failed: CCIDSlotError(rawValue: 25)); return nil }
        let formatter = PINBlockFormatter(bmFormatString: verify.bmFormatString,
                                          bmPINBlockString: verify.bmPINBlockString,
                                          bmPINLengthFormat: verify.bmPINLengthFormat)
        var digits: [UInt8]
        switch readPIN(prompt: verify.bMsgIndex, minimum: verify.minimumPINSize,
                       maximum: verify.maximumPINSize, validation: verify.bEntryValidationCondition) {
        case .timeout: send(message, failed: .pinTimeout); return nil
        case .cancelled: send(message, failed: .pinCancelled); return nil
        case .entered(let entered): digits = entered
        }
        defer { SecretBytes.wipe(&digits) }
        var data = Array(verify.apdu[5...])
        // bmFormatString is byte 12 of the message.
        guard formatter.write(digits, into: &data, blockOffset: 0) else {
            send(message, failed: CCIDSlotError(rawValue: 12)); return nil
        }
        defer { SecretBytes.wipe(&data) }
        return Array(verify.apdu[0..<4]) + [UInt8(truncatingIfNeeded: data.count)] + data
    }

    private func buildModify(_ message: CCIDMessage, _ modify: CCIDPINModify) -> [UInt8]? {
        guard modify.apdu.count >= 5 else { send(message, failed: CCIDSlotError(rawValue: 29)); return nil }
        let formatter = PINBlockFormatter(bmFormatString: modify.bmFormatString,
                                          bmPINBlockString: modify.bmPINBlockString,
                                          bmPINLengthFormat: modify.bmPINLengthFormat)
        let askCurrent = modify.bConfirmPIN & 0x02 != 0
        let confirm = modify.bConfirmPIN & 0x01 != 0
        var prompts = modify.bMsgIndex.makeIterator()
        func read() -> PINEntry {
            readPIN(prompt: prompts.next() ?? 0, minimum: modify.minimumPINSize, maximum: modify.maximumPINSize,
                    validation: modify.bEntryValidationCondition)
        }
        var entries: [[UInt8]] = []
        defer { for index in entries.indices { SecretBytes.wipe(&entries[index]) } }
        for _ in 0..<(1 + (askCurrent ? 1 : 0) + (confirm ? 1 : 0)) {
            switch read() {
            case .timeout: send(message, failed: .pinTimeout); return nil
            case .cancelled: send(message, failed: .pinCancelled); return nil
            case .entered(let digits): entries.append(digits)
            }
        }
        let newIndex = askCurrent ? 1 : 0
        if confirm, entries[newIndex] != entries[newIndex + 1] {
            send(message, failed: CCIDSlotError(rawValue: profile.pinMismatchError))
            return nil
        }
        var data = Array(modify.apdu[5...])
        defer { SecretBytes.wipe(&data) }
        if askCurrent {
            guard formatter.write(entries[0], into: &data, blockOffset: Int(modify.bInsertionOffsetOld)) else {
                send(message, failed: CCIDSlotError(rawValue: 12)); return nil
            }
        }
        guard formatter.write(entries[newIndex], into: &data, blockOffset: Int(modify.bInsertionOffsetNew)) else {
            send(message, failed: CCIDSlotError(rawValue: 12)); return nil
        }
        return Array(modify.apdu[0..<4]) + [UInt8(truncatingIfNeeded: data.count)] + data
    }

    /// Reads one PIN from the keypad script, showing the prompt and a star per digit.
    /// bEntryValidationCondition: bit 0 ends entry at the maximum size, bit 1 on OK, bit 2
    /// accepts what was typed when the timeout expires.
    func readPIN(prompt: UInt8, minimum: Int, maximum: Int, validation: UInt8) -> PINEntry {
        let text = SimulatedDisplay.prompt(prompt)
        display?.show([text, ""])
        let maximum = maximum == 0 ? 16 : maximum
        var digits: [UInt8] = []
        while true {
            switch keypad.next() {
            case .digit(let digit):
                guard digits.count < maximum else { continue }
                digits.append(digit)
                display?.show([text, String(repeating: "*", count: digits.count)])
                if validation & 0x01 != 0, digits.count == maximum { return .entered(digits) }
            case .clear:
                SecretBytes.wipe(&digits)
                digits.removeAll()
                display?.show([text, ""])
            case .ok:
                // Too short: the reader ignores OK and keeps waiting, as PIN pads do.
                if digits.count >= minimum { return .entered(digits) }
            case .cancel:
                SecretBytes.wipe(&digits)
                return .cancelled
            case .noKeyUntilTimeout:
                if validation & 0x04 != 0, digits.count >= minimum, !digits.isEmpty { return .entered(digits) }
                SecretBytes.wipe(&digits)
                return .timeout
            }
        }
    }
}

extension CCIDPINOperation {
    /// bTeoPrologue of a verify or modify; zeros otherwise.
    var prologue: [UInt8] {
        switch self {
        case .verify(let v): Array((v.bTeoPrologue + [0, 0, 0]).prefix(3))
        case .modify(let m): Array((m.bTeoPrologue + [0, 0, 0]).prefix(3))
        case .other: [0, 0, 0]
        }
    }
}
