import Foundation
import PEDProtocol
import Testing
import TestSupport

@Suite struct PEDRulesTests {
    @Test func rolesHaveTheirColours() {
        #expect(PEDRole.hsmSO.colour == .blue && PEDRole.partitionSO.colour == .blue)
        #expect(PEDRole.cloningDomain.colour == .red && PEDRole.remotePEDVector.colour == .orange)
        #expect(PEDRole.auditor.colour == .white && PEDRole.cryptoOfficer.colour == .black)
        #expect(PEDRole.cryptoUser.colour == .gray && PEDRole.limitedCryptoOfficer.colour == .gray)
        #expect(PEDRole(name: "SO") == .hsmSO && PEDRole(name: "nobody") == nil)
    }

    @Test func pinLengths() {
        #expect(PEDPINRule.check(Array("1234".utf8)) == nil)
        #expect(PEDPINRule.check(Array(repeating: 0x37, count: 48)) == nil)
        #expect(PEDPINRule.check(Array("123".utf8)) == .tooShort(3))
        #expect(PEDPINRule.check(Array(repeating: 0x37, count: 49)) == .tooLong(49))
        #expect(PEDPINRule.check(Array("12a4".utf8)) == .notDigits)
    }

    @Test func mOfNBoundsAndWarnings() throws {
        #expect(throws: PEDProtocolError.self) { try MofN(m: 0, n: 3) }
        #expect(throws: PEDProtocolError.self) { try MofN(m: 4, n: 3) }
        #expect(throws: PEDProtocolError.self) { try MofN(m: 1, n: 17) }
        #expect(try MofN(m: 16, n: 16).warnings == [.allKeysNeeded])
        #expect(try MofN(m: 1, n: 5).warnings == [.singleKeySuffices])
        #expect(try MofN(m: 3, n: 5).warnings.isEmpty)
    }

    @Test func theSameKeyTwiceNeverCounts() throws {
        var collection = MofNCollection(policy: try MofN(m: 2, n: 3), colour: .blue)
        let set = PEDKeyID(99)
        #expect(collection.offer(key: PEDKeyID(1), colour: .blue, setID: set, shareIndex: 1) == .accepted(count: 1))
        #expect(collection.offer(key: PEDKeyID(1), colour: .blue, setID: set, shareIndex: 1) == .duplicate)
        // A duplicate key made of the same split is the same share.
        #expect(collection.offer(key: PEDKeyID(11), colour: .blue, setID: set, shareIndex: 1) == .duplicate)
        #expect(collection.offer(key: PEDKeyID(5), colour: .black, setID: set, shareIndex: 2) == .wrongColour(.black))
        #expect(collection.offer(key: PEDKeyID(6), colour: .blue, setID: PEDKeyID(98), shareIndex: 2) == .otherSet)
        #expect(collection.offer(key: PEDKeyID(2), colour: .blue, setID: set, shareIndex: 2) == .complete)
        #expect(collection.keys == [PEDKeyID(1), PEDKeyID(2)])
    }

    @Test func firmwareCompatibility() {
        func ok(_ hsm: String, _ ped: String) -> Bool {
            FirmwareCompatibility.decide(hsm: FirmwareVersion(hsm)!, ped: FirmwareVersion(ped)!) == .supported
        }
        #expect(ok("7.7.0", "2.7.4") && ok("7.7.0", "2.9.0") && ok("7.8.4", "2.9.3"))
        #expect(!ok("7.7.0", "2.7.1") && !ok("7.7.0", "2.7.3") && !ok("7.7.1", "2.8.0"))
        #expect(ok("7.0.0", "2.7.1") && ok("7.6.9", "2.7.1") && !ok("7.2.0", "2.7.0"))
        #expect(!ok("6.3.0", "2.7.4"))
        #expect(!FirmwareCompatibility.copiesOrangeKeyCompletely(ped: FirmwareVersion(2, 7, 1)))
        #expect(FirmwareCompatibility.copiesOrangeKeyCompletely(ped: FirmwareVersion(2, 9, 0)))
        #expect(FirmwareCompatibility.isExternallyPowered(ped: FirmwareVersion(2, 7, 4)))
        #expect(!FirmwareCompatibility.isExternallyPowered(ped: FirmwareVersion(2, 9, 0)))
    }

    /// docs/ped-firmware.md's table says what the code's table says.
    @Test func firmwareDocMirrorsTheTable() throws {
        let doc = try String(contentsOf: Fixture.root.deletingLastPathComponent().appendingPathComponent("docs/ped-firmware.md"),
                             encoding: .utf8)
        let rows = doc.split(separator: "\n").filter { $0.hasPrefix("| 7") || $0.hasPrefix("| 8") || $0.hasPrefix("| 6") }
        let fromCode = FirmwareCompatibility.table.map { rule in
            "| \(rule.hsm.lowerBound) | \(rule.hsm.upperBound) | "
                + rule.ped.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: ", ") + " |"
        }
        #expect(rows.map(String.init) == fromCode)
    }
}
