import TrustedPathCore

/// One CCID message as a line of text for people: frame, direction, endpoint, message name,
/// header fields, and the APDU or status word inside.
public enum RecordText {
    public static func line(for record: CCIDRecord) -> String {
        var parts = ["#\(record.frame)", record.direction == .out ? "out" : "in ",
                     "ep 0x" + Hex.encode([record.endpoint]),
                     "\(CCIDMessageTypes.name(record.messageType, interrupt: record.pipe == .interrupt))"]
        guard let header = record.header else {
            parts.append(Hex.encode(record.bytes, separator: " "))
            return parts.joined(separator: "  ")
        }
        var fields = "slot \(header.bSlot) seq \(header.bSeq) len \(header.dwLength)"
        if record.isReply {
            fields += " status 0x" + Hex.encode([header.specific.0]) + " error 0x" + Hex.encode([header.specific.1])
        }
        parts.append(fields)
        if record.direction == .out, header.bMessageType == CCIDMessageTypes.xfrBlock,
           let apdu = APDUFields(record.payload) {
            var text = "APDU " + Hex.encode([apdu.cla, apdu.ins, apdu.p1, apdu.p2], separator: " ")
            if let lc = apdu.lc { text += " Lc=\(lc) " + Hex.encode(apdu.data, separator: " ") }
            if let le = apdu.le { text += " Le=\(le)" }
            parts.append(text)
        } else if record.answersXfrBlock, record.payload.count >= 2 {
            let data = record.payload.dropLast(2)
            let sw = record.payload.suffix(2)
            parts.append((data.isEmpty ? "" : Hex.encode(data, separator: " ") + "  ") + "SW " + Hex.encode(sw, separator: " "))
        } else if !record.payload.isEmpty {
            parts.append(Hex.encode(record.payload, separator: " "))
        }
        if record.truncated { parts.append("(truncated)") }
        return parts.joined(separator: "  ")
    }
}
