/// The card's half of T=0 at a TPDU-level reader (ISO 7816-3 §10, ISO 7816-4 Annex A): the
/// host sends a whole TPDU (header, P3, data) and gets data plus SW1 SW2, the reader having
/// handled the procedure bytes. What remains for the card is T=0's length discipline: a
/// case 4 command answers 61xx and its data waits for GET RESPONSE; a case 2 command (or a
/// GET RESPONSE) whose P3 differs from what the card has answers 6Cxx.
public struct CardT0Engine: Sendable {
    private var pendingData: [UInt8] = []
    private var pendingOffset = 0
    private var pendingSW: (UInt8, UInt8) = (0x90, 0x00)

    public init() {}

    public mutating func receive(_ tpdu: [UInt8], card: inout any SimulatedCard) -> [UInt8] {
        guard tpdu.count >= 5 else {
            // T=0 always carries P3; a case 1 command is sent with P3 = 00.
            return tpdu.count == 4 ? outgoingCommand(tpdu + [0], card: &card) : [0x67, 0x00]
        }
        let p3 = Int(tpdu[4])
        if tpdu.count > 5 {
            guard tpdu.count == 5 + p3 else { return [0x67, 0x00] }
            return outgoingCommand(tpdu, card: &card)
        }
        let ne = p3 == 0 ? 256 : p3
        if tpdu[1] == 0xC0, pendingOffset < pendingData.count {
            return getResponse(ne)
        }
        clearPending()
        let answer = card.process(apdu: tpdu)
        let dataCount = answer.count - 2
        // The card must send exactly P3 bytes; when it has another count it says so first.
        if dataCount > 0, dataCount != ne {
            return [0x6C, UInt8(truncatingIfNeeded: dataCount)]
        }
        return answer
    }

    /// Case 1 or 3 on the wire; a case 4 command shows up here and keeps its data back.
    private mutating func outgoingCommand(_ tpdu: [UInt8], card: inout any SimulatedCard) -> [UInt8] {
        clearPending()
        let command = tpdu.count == 5 && tpdu[4] == 0 ? Array(tpdu[0..<4]) : tpdu
        let answer = card.process(apdu: command)
        guard answer.count > 2 else { return answer }
        pendingData = Array(answer[0..<(answer.count - 2)])
        pendingSW = (answer[answer.count - 2], answer[answer.count - 1])
        return [0x61, UInt8(truncatingIfNeeded: min(pendingData.count, 256))]
    }

    private mutating func getResponse(_ ne: Int) -> [UInt8] {
        let available = pendingData.count - pendingOffset
        guard ne <= available else { return [0x6C, UInt8(truncatingIfNeeded: min(available, 256))] }
        var out = Array(pendingData[pendingOffset..<(pendingOffset + ne)])
        pendingOffset += ne
        let left = pendingData.count - pendingOffset
        if left > 0 {
            out += [0x61, UInt8(truncatingIfNeeded: min(left, 256))]
        } else {
            out += [pendingSW.0, pendingSW.1]
            clearPending()
        }
        return out
    }

    private mutating func clearPending() {
        pendingData = []
        pendingOffset = 0
        pendingSW = (0x90, 0x00)
    }
}
