import Testing
import TrustedPathCore

@Suite struct HexTests {
    @Test func roundTrip() {
        #expect(Hex.encode([0x3B, 0xBF, 0x00], separator: " ") == "3B BF 00")
        #expect(Hex.decode("3b:BF 00") == [0x3B, 0xBF, 0x00])
        #expect(Hex.decode("0x0a0B") == [0x0A, 0x0B])
    }

    @Test func rejectsOddAndForeignCharacters() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
    }

    @Test func readerNamesFieldAndOffsetWhenShort() {
        var reader = ByteReader([1, 2, 3])
        #expect(throws: ByteReaderError(field: "dwLength", offset: 1, needed: 4, available: 2)) {
            _ = try reader.u8("bMessageType")
            _ = try reader.u32le("dwLength")
        }
    }

    @Test func secretPrintsRedacted() {
        let secret = SecretBytes([0x31, 0x32, 0x33])
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        #expect(secret.constantTimeEquals(SecretBytes([0x31, 0x32, 0x33])))
        #expect(!secret.constantTimeEquals(SecretBytes([0x31, 0x32, 0x34])))
    }
}
