import CCID
import Testing
import TrustedPathCore

@Suite struct ATRTests {
    static func atr(_ hex: String) throws -> ATR {
        try ATR(parsing: try #require(Hex.decode(hex.replacingOccurrences(of: " ", with: ""))))
    }

    /// TCOS 3.0 as OpenSC knows it: T=1 only, TA1 96 (Fi 512, Di 32), IFSC 254, LRC (no TC3).
    @Test func tcos3() throws {
        let atr = try Self.atr("3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 F7 01 D0 00 90 00 7D")
        #expect(atr.ta(1) == 0x96 && atr.tb(1) == 0x00 && atr.td(1) == 0x81)
        #expect(atr.td(2) == 0x31 && atr.ta(3) == 0xFE && atr.tb(3) == 0x5D)
        #expect(atr.historicalBytes.count == 15)
        #expect(atr.tck == 0x7D && atr.tckValid)
        #expect(atr.protocols == [1] && atr.defaultProtocol == 1)
        #expect(atr.fi == 512 && atr.di == 32 && atr.fMaxKHz == 5000)
        #expect(atr.ifsc == 254 && atr.bwi == 5 && atr.cwi == 13 && !atr.usesCRC)
        #expect(atr.json.rendered.hasPrefix(
            #"{"TS":59,"T0":191,"TA":[150,null,254],"TB":[0,null,93],"TC":[null,null,null],"TD":[129,49,null],"historicalBytes":"0064041103013"#))
    }

    @Test func yubiKey4() throws {
        let atr = try Self.atr("3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4")
        #expect(atr.historicalBytes == Array("Yubikey4".utf8))
        #expect(atr.tckValid && atr.protocols == [1])
        #expect(atr.fi == 372 && atr.di == 4 && atr.ifsc == 254 && atr.bwi == 1 && atr.cwi == 5)
    }

    @Test func t0AndT1ContactlessWithTCK() throws {
        let atr = try Self.atr("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A")
        #expect(atr.protocols == [0, 1] && atr.firstOfferedProtocol == 0 && atr.tckValid)
        #expect(atr.fi == 372 && atr.di == 1 && atr.fMaxKHz == 5000, "TA1 absent: defaults")
    }

    @Test func t0OnlyHasNoTCK() throws {
        let gemalto = try Self.atr("3B 7F 96 00 00 80 31 80 65 B0 84 56 51 10 12 0F FE 82 90 00")
        #expect(gemalto.tck == nil && gemalto.tckValid && gemalto.protocols == [0])
        #expect(gemalto.waitingInteger == 10 && gemalto.extraGuardTime == 0)
        let short = try Self.atr("3B 02 14 50")
        #expect(short.historicalBytes == [0x14, 0x50] && short.groups.count == 1)
        #expect(short.json.rendered.contains(#""TA":[null],"#))
    }

    @Test func eTokenPROJava() throws {
        let atr = try Self.atr("3B D5 18 00 81 31 3A 7D 80 73 C8 21 10 30")
        #expect(atr.tckValid && atr.ifsc == 0x3A && atr.bwi == 7 && atr.cwi == 13 && atr.tc(1) == 0)
    }

    @Test func wrongTCKIsReportedNotThrown() throws {
        let atr = try Self.atr("3B BF 96 00 81 31 FE 5D 00 64 04 11 03 01 31 C0 73 F7 01 D0 00 90 00 7E")
        #expect(!atr.tckValid)
        #expect(atr.json.rendered.contains(#""TCK":126,"tckValid":false"#))
    }

    @Test func specificModeClassIndicatorAndReservedValues() throws {
        // TA1 = 0x7F: Fi and Di reserved; TD1 T=0 -> TA2 = 0x01 specific T=1; TD2 -> T=15 with TA3 class.
        var bytes: [UInt8] = [0x3B, 0x90, 0x7F, 0x91, 0x01, 0x1F, 0x03]
        bytes.append(bytes.dropFirst().reduce(0, ^))
        let atr = try ATR(parsing: bytes)
        #expect(atr.fi == nil && atr.di == nil && atr.fMaxKHz == nil)
        #expect(atr.specificMode?.protocolType == 1 && atr.defaultProtocol == 1)
        #expect(atr.classIndicator == 0x03 && atr.protocols == [1, 15] && atr.tckValid)
    }

    @Test(arguments: [
        ("", CCIDError.Code.truncated, "TS"),
        ("3C00", .invalidTS, "TS"),
        ("3B", .truncated, "T0"),
        ("3B8001", .truncated, "TCK"),
        ("3B9F96", .truncated, "TD1"),
        ("3B021450FF", .lengthMismatch, "historical bytes"),
        ("3B0F" + String(repeating: "00", count: 32), .tooLong, "ATR"),
    ])
    func rejects(hex: String, code: CCIDError.Code, field: String) throws {
        let bytes = try #require(Hex.decode(hex))
        #expect { try ATR(parsing: bytes) } throws: { error in
            guard let error = error as? CCIDError else { return false }
            return error.code == code && error.field == field
        }
    }

    @Test func ppsRequestAndEcho() throws {
        let request = PPS(protocolType: 1, fiIndex: 9, diIndex: 6)
        #expect(request.encode() == [0xFF, 0x11, 0x96, 0x78])
        #expect(try request.validate(response: [0xFF, 0x11, 0x96, 0x78]) == request)
        // PPS1 absent in the answer: the card keeps Fd/Dd.
        #expect(try request.validate(response: [0xFF, 0x01, 0xFE]).pps1 == nil)
        #expect(throws: CCIDError.self) { try request.validate(response: [0xFF, 0x10, 0x95, 0x7A]) }
        #expect(throws: CCIDError.self) { try request.validate(response: [0xFF, 0x11, 0x95, 0x7B]) }
        #expect(throws: CCIDError.self) { try request.validate(response: [0xFF, 0x11, 0x96, 0x00]) }
        #expect(throws: CCIDError.self) { try request.validate(response: [0xFF, 0x11]) }
    }
}
