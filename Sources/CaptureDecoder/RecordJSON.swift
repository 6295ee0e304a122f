extension JSONLineWriter {
    /// One CCID message as a JSON line, keyed by the CCID spec's field names.
    public mutating func write(_ record: CCIDRecord) {
        beginObject()
        number("frame", record.frame)
        string("direction", record.direction == .out ? "out" : "in")
        number("endpoint", record.endpoint)
        string("message", CCIDMessageTypes.name(record.messageType, interrupt: record.pipe == .interrupt))
        number("bMessageType", record.messageType)
        if let header = record.header {
            number("dwLength", header.dwLength)
            number("bSlot", header.bSlot)
            number("bSeq", header.bSeq)
            if record.isReply {
                number("bStatus", header.specific.0)
                number("bError", header.specific.1)
            }
            if record.direction == .out, header.bMessageType == CCIDMessageTypes.xfrBlock,
               let apdu = APDUFields(record.payload) {
                writeAPDU(apdu)
            }
            if record.answersXfrBlock, record.payload.count >= 2 {
                number("SW1", record.payload[record.payload.endIndex - 2])
                number("SW2", record.payload[record.payload.endIndex - 1])
            }
        } else {
            hex("data", record.bytes)
        }
        if record.truncated { bool("truncated", true) }
        endObject()
        endLine()
    }

    private mutating func writeAPDU(_ apdu: APDUFields) {
        key("apdu")
        beginObject()
        number("CLA", apdu.cla)
        number("INS", apdu.ins)
        number("P1", apdu.p1)
        number("P2", apdu.p2)
        if let lc = apdu.lc { number("Lc", lc) } else { null("Lc") }
        if let le = apdu.le { number("Le", le) } else { null("Le") }
        hex("data", apdu.data)
        endObject()
    }
}
