import APDU
import Testing

@Suite struct CommandAPDUTests {
    private func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(text.filter { $0 != " " })
        while chars.count >= 2 {
            out.append(UInt8(String(chars[0...1]), radix: 16)!)
            chars.removeFirst(2)
        }
        return out
    }

    @Test func encodesAllSevenForms() throws {
        #expect(try CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0).encoded() == hex("00A40400"))
        #expect(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 256).encoded() == hex("00B0000000"))
        #expect(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 16).encoded() == hex("00B0000010"))
        #expect(try CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: [1, 2]).encoded() == hex("00D60000020102"))
        #expect(try CommandAPDU(cla: 0, ins: 0xA4, p1: 4, p2: 0, data: [0x3F, 0], ne: 256).encoded()
                == hex("00A40400023F0000"))
        #expect(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 65_536).encoded() == hex("00B00000000000"))
        #expect(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 257).encoded() == hex("00B00000000101"))
        let big = Array(repeating: UInt8(0xAB), count: 256)
        #expect(try CommandAPDU(cla: 0, ins: 0xD6, p1: 0, p2: 0, data: big).encoded() == hex("00D6000000 0100") + big)
        #expect(try CommandAPDU(cla: 0, ins: 0x2A, p1: 0x80, p2: 0x86, data: big, ne: 65_536).encoded()
                == hex("002A808600 0100") + big + [0, 0])
        #expect(try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 5, extended: true).encoded() == hex("00B00000000005"))
    }

    @Test(arguments: [0, 1, 255, 256, 65_535])
    func roundTripsDataLengths(nc: Int) throws {
        let data = (0..<nc).map { UInt8(truncatingIfNeeded: $0) }
        for ne in [nil, 1, 255, 256, 257, 65_535, 65_536] as [Int?] {
            for extended in [false, true] {
                let command = try CommandAPDU(cla: 0x0C, ins: 0x88, p1: 1, p2: 2, data: data, ne: ne, extended: extended)
                let bytes = command.encoded()
                #expect(bytes.count == command.encodedCount)
                let parsed = try CommandAPDU(parsing: bytes)
                #expect(parsed == command)
                #expect(parsed.apduCase.rawValue == (nc == 0 ? (ne == nil ? 1 : 2) : (ne == nil ? 3 : 4)))
                #expect(parsed.isExtended == ((extended && (nc > 0 || ne != nil)) || nc > 255 || (ne ?? 0) > 256))
            }
        }
    }

    private func failure(_ bytes: [UInt8]) -> APDUError? {
        do {
            _ = try CommandAPDU(parsing: bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func rejectsMalformedLengths() {
        #expect(failure([0, 0xA4, 0]).map { ($0.code, $0.field, $0.offset) } ?? (.invalidClass, nil, nil)
                == (.truncated, "header", 0))
        let short = failure(hex("00D60000 03 0102"))
        #expect(short?.code == .lengthMismatch && short?.field == "Lc" && short?.offset == 4)
        let long = failure(hex("00D60000 02 010203 04"))
        #expect(long?.code == .lengthMismatch && long?.field == "Lc")
        let cut = failure(hex("00B00000 00 01"))
        #expect(cut?.code == .truncated && cut?.field == "extended length" && cut?.offset == 5)
        let zeroLc = failure(hex("00D60000 000000 01"))
        #expect(zeroLc?.code == .invalidLength && zeroLc?.field == "Lc")
        let extMismatch = failure(hex("00D60000 000002 01"))
        #expect(extMismatch?.code == .lengthMismatch && extMismatch?.offset == 4)
        let extOneLeByte = failure(hex("00D60000 000001 01 00"))
        #expect(extOneLeByte?.code == .lengthMismatch)
    }

    @Test func rejectsOutOfRangeValues() {
        #expect(throws: APDUError.self) { try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, ne: 0) }
        #expect(throws: APDUError.self) { try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, ne: 65_537) }
        #expect(throws: APDUError.self) {
            try CommandAPDU(cla: 0, ins: 0, p1: 0, p2: 0, data: Array(repeating: 0, count: 65_536))
        }
    }

    @Test func classByteInformation() throws {
        func command(_ cla: UInt8) throws -> CommandAPDU { try CommandAPDU(cla: cla, ins: 0xA4, p1: 0, p2: 0) }
        #expect(try command(0x00).isChained == false)
        #expect(try command(0x10).isChained == true)
        #expect(try command(0x13).logicalChannel == 3)
        #expect(try command(0x0C).secureMessaging == .headerAuthenticated)
        #expect(try command(0x08).secureMessaging == .headerNotAuthenticated)
        #expect(try command(0x04).secureMessaging == .proprietary)
        #expect(try command(0x00).secureMessaging == CommandAPDU.SecureMessaging.none)
        #expect(try command(0x4F).logicalChannel == 19)
        #expect(try command(0x60).secureMessaging == .headerNotAuthenticated)
        #expect(try command(0x70).isChained == true)
        #expect(try command(0x80).classKind == .proprietary)
        #expect(try command(0x90).isChained == true)
        #expect(try command(0x84).logicalChannel == nil)
        #expect(try command(0xFF).classKind == .invalid)
        #expect(try command(0x20).classKind == .reserved)
        #expect(try command(0x1D).plainClass == 0x01)
        #expect(try command(0x7A).plainClass == 0x4A)
    }
}
