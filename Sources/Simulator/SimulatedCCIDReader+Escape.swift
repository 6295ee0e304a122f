import CCID

/// PC_to_RDR_Escape. TrustedPath's display prompt (docs/pinpad-escape.md: 54 50 01 01,
/// timeout, two 16-byte lines; answer 00 OK, 01 Cancel, 02 timeout) is understood by a
/// reader with a display and a keypad; everything else is looped back, as before, so hosts
/// can test the escape path. This is the simulator's firmware, not a real cyberJack's: a real
/// reader needs its vendor escape mapped on the host side.
extension SimulatedCCIDReader {
    static let promptEscapeHeader: [UInt8] = [0x54, 0x50, 0x01, 0x01]
    static let promptEscapeLength = 5 + 32

    func escape(_ message: CCIDMessage, _ data: [UInt8]) {
        let slot = Int(message.slot)
        guard data.count >= 4, Array(data.prefix(4)) == Self.promptEscapeHeader else {
            return enqueue(CCIDMessage(slot: message.slot, sequence: message.sequence,
                                       payload: .escapeResponse(status: status(slot), error: CCIDSlotError(rawValue: 0),
                                                                data: data)).encode())
        }
        guard profile.hasKeypad, display != nil else { return send(message, failed: .commandNotSupported) }
        // A wrong length names dwLength (offset 1), as other malformed commands do.
        guard data.count == Self.promptEscapeLength else { return send(message, failed: CCIDSlotError(rawValue: 1)) }
        let line1 = String(decoding: data[5..<21], as: UTF8.self)
        let line2 = String(decoding: data[21..<37], as: UTF8.self)
        let screen = [trimmed(line1), trimmed(line2)]
        display?.show(screen)
        notifyAttendant(.prompt(screen))
        var answer: UInt8 = 0x02
        keys: while true {
            switch keypad.next() {
            case .ok: answer = 0x00; break keys
            case .cancel: answer = 0x01; break keys
            case .noKeyUntilTimeout: answer = 0x02; break keys
            case .digit, .clear: continue   // a prompt takes only OK or Cancel
            }
        }
        enqueue(CCIDMessage(slot: message.slot, sequence: message.sequence,
                            payload: .escapeResponse(status: status(slot), error: CCIDSlotError(rawValue: 0),
                                                     data: [answer])).encode())
    }

    private func trimmed(_ line: String) -> String {
        var text = Substring(line)
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
