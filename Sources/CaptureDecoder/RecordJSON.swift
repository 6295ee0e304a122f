extension JSONLineWriter {
    /// One CCID message as a JSON line, keyed by the CCID spec's field names:
    /// `frame`, `direction`, `endpoint`, `message`, `bMessageType`, then for bulk messages
    /// `dwLength`, `bSlot`, `bSeq`, `bStatus` and `bError` on replies, `apdu` in an XfrBlock,
    /// `data` (the response data) and `SW1`/`SW2` on the DataBlock that answers it, `atr` on
    /// the DataBlock that answers an IccPowerOn, and `data` on any other message with data
    /// after its header; interrupt messages carry their bytes as `data`. The same bytes as
    /// `RecordText` shows.
    ///
    /// Written as literal fragments rather than through `key`/`number`: this runs once per
    /// message of captures with millions of them.
    public mutating func write(_ record: CCIDRecord) {
        // The fixed text of a line is under 400 bytes; data appears at most twice as hex.
        output.ensureRoom(512 + 4 * record.bytes.count)
        rawUnchecked("{\"frame\":")
        decimalUnchecked(UInt64(max(0, record.frame)))
        rawUnchecked(record.direction == .out ? ",\"direction\":\"out\",\"endpoint\":" : ",\"direction\":\"in\",\"endpoint\":")
        decimalUnchecked(UInt64(record.endpoint))
        rawUnchecked(",\"message\":\"")
        rawUnchecked(CCIDMessageTypes.name(record.messageType, interrupt: record.pipe == .interrupt))
        rawUnchecked("\",\"bMessageType\":")
        decimalUnchecked(UInt64(record.messageType))
        if record.pipe == .bulk, record.bytes.count >= 10 {
            let b = record.bytes
            rawUnchecked(",\"dwLength\":")
            decimalUnchecked(UInt64(b[1]) | UInt64(b[2]) << 8 | UInt64(b[3]) << 16 | UInt64(b[4]) << 24)
            rawUnchecked(",\"bSlot\":")
            decimalUnchecked(UInt64(b[5]))
            rawUnchecked(",\"bSeq\":")
            decimalUnchecked(UInt64(b[6]))
            if record.isReply {
                rawUnchecked(",\"bStatus\":")
                decimalUnchecked(UInt64(b[7]))
                rawUnchecked(",\"bError\":")
                decimalUnchecked(UInt64(b[8]))
            }
            // The data bytes the text form shows, keyed by what they are.
            if record.direction == .out, b[0] == CCIDMessageTypes.xfrBlock, let apdu = APDUFields(record.payload) {
                writeAPDU(apdu)
            } else if record.answersXfrBlock, b.count >= 12 {
                writeHex(",\"data\":\"", record.payload.dropLast(2))
                rawUnchecked(",\"SW1\":")
                decimalUnchecked(UInt64(b[b.count - 2]))
                rawUnchecked(",\"SW2\":")
                decimalUnchecked(UInt64(b[b.count - 1]))
            } else if b.count > 10 {
                writeHex(record.answersPowerOn ? ",\"atr\":\"" : ",\"data\":\"", record.payload)
            }
            rawUnchecked(record.truncated ? ",\"truncated\":true}\n" : "}\n")
        } else {
            writeHex(",\"data\":\"", record.bytes)
            rawUnchecked(record.truncated ? ",\"truncated\":true}\n" : "}\n")
        }
    }

    /// `key` is the literal up to the opening quote of the value.
    @inline(__always)
    private mutating func writeHex<C: Collection>(_ key: StaticString, _ bytes: C) where C.Element == UInt8 {
        rawUnchecked(key)
        hexUnchecked(bytes)
        rawUnchecked("\"")
    }

    private mutating func writeAPDU(_ apdu: APDUFields) {
        rawUnchecked(",\"apdu\":{\"CLA\":")
        decimalUnchecked(UInt64(apdu.cla))
        rawUnchecked(",\"INS\":")
        decimalUnchecked(UInt64(apdu.ins))
        rawUnchecked(",\"P1\":")
        decimalUnchecked(UInt64(apdu.p1))
        rawUnchecked(",\"P2\":")
        decimalUnchecked(UInt64(apdu.p2))
        if let lc = apdu.lc {
            rawUnchecked(",\"Lc\":")
            decimalUnchecked(UInt64(lc))
        } else {
            rawUnchecked(",\"Lc\":null")
        }
        if let le = apdu.le {
            rawUnchecked(",\"Le\":")
            decimalUnchecked(UInt64(le))
        } else {
            rawUnchecked(",\"Le\":null")
        }
        writeHex(",\"data\":\"", apdu.data)
        rawUnchecked("}")
    }
}
