import APDU
import Testing

@Suite struct ResponseAPDUTests {
    @Test func parsesDataAndStatus() throws {
        let response = try ResponseAPDU(parsing: [0x01, 0x02, 0x90, 0x00])
        #expect(response.data == [1, 2])
        #expect(response.statusWord == .success)
        #expect(response.encoded() == [0x01, 0x02, 0x90, 0x00])
        #expect(try ResponseAPDU(parsing: [0x6A, 0x82]).data.isEmpty)
    }

    @Test func rejectsShortResponses() {
        for bytes in [[], [0x90]] as [[UInt8]] {
            #expect(throws: APDUError(.truncated, field: "SW1 SW2", offset: 0,
                                      "\(bytes.count) byte(s), at least 2 needed")) {
                try ResponseAPDU(parsing: bytes)
            }
        }
    }

    @Test func statusWordMeanings() {
        let expected: [(UInt16, String)] = [
            (0x9000, "success"),
            (0x6110, "success, 16 more response byte(s) available with GET RESPONSE"),
            (0x6282, "warning: end of file or record reached before reading Ne bytes"),
            (0x6300, "warning: non-volatile memory changed, verification failed"),
            (0x63C2, "verification failed, 2 tries left"),
            (0x63C0, "verification failed, 0 tries left; the reference data is now blocked"),
            (0x6400, "execution error (on a PIN pad: PIN entry timed out); try again"),
            (0x6401, "PIN entry cancelled by the user"),
            (0x6500, "execution error, non-volatile memory changed"),
            (0x6581, "memory failure; the card may be worn out"),
            (0x6700, "wrong length"),
            (0x6881, "logical channel not supported"),
            (0x6884, "command chaining not supported"),
            (0x6982, "security status not satisfied; authenticate (verify the PIN) first"),
            (0x6983, "authentication method blocked; the PIN must be unblocked"),
            (0x6984, "reference data not usable"),
            (0x6985, "conditions of use not satisfied"),
            (0x6986, "command not allowed (no current EF)"),
            (0x6A80, "incorrect parameters in the command data field"),
            (0x6A81, "function not supported"),
            (0x6A82, "file or application not found"),
            (0x6A83, "record not found"),
            (0x6A84, "not enough memory space in the file"),
            (0x6A85, "Nc inconsistent with TLV structure"),
            (0x6A86, "incorrect parameters P1-P2"),
            (0x6A87, "Nc inconsistent with parameters P1-P2"),
            (0x6A88, "referenced data or reference data not found"),
            (0x6B00, "wrong parameters P1-P2 (offset outside the file)"),
            (0x6C00, "wrong Le field; 256 byte(s) available"),
            (0x6C08, "wrong Le field; 8 byte(s) available"),
            (0x6D00, "instruction code not supported or invalid"),
            (0x6E00, "class not supported"),
            (0x6F00, "no precise diagnosis"),
            (0x1234, "unknown status"),
        ]
        for (raw, meaning) in expected {
            #expect(StatusWord(raw).meaning == meaning, "\(StatusWord(raw))")
        }
        #expect(StatusWord(0x63C3).triesLeft == 3)
        #expect(StatusWord(0x6300).triesLeft == nil)
        #expect(StatusWord(0x9000).triesLeft == nil)
        #expect(StatusWord(0x6100).availableLength == 256)
        #expect(StatusWord(0x61FF).isSuccess)
        #expect(StatusWord(0x6283).isWarning)
        #expect(StatusWord(sw1: 0x6A, sw2: 0x82).description == "6A82 file or application not found")
    }
}
