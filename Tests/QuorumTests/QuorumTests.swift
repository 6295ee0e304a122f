import Testing
import TestSupport
import TrustedPathCore
@testable import Quorum

/// A stand-in key check value for the core's tests (the workflows use HMAC-SHA256).
let testKeyCheck: Quorum.KeyCheck = { key in
    key.withBytes { bytes in (0..<8).map { i in bytes[i] ^ bytes[i + 8] ^ bytes[i + 16] ^ bytes[i + 24] ^ 0x5A } }
}

func randomKey(_ generator: inout SeededGenerator) -> SecretBytes {
    SecretBytes((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
}

@Suite struct QuorumTests {
    /// Every k <= n <= 16: any k shares (several random choices, in random order) give the
    /// key back, and k-1 shares give something else.
    @Test func anyKOfNRecombinesForEveryThreshold() throws {
        var generator = SeededGenerator(state: 2026)
        for n in 2...16 {
            for k in 2...n {
                let key = randomKey(&generator)
                let records = try Quorum.split(key, k: k, n: n, keyCheck: testKeyCheck, using: &generator)
                #expect(records.count == n)
                #expect(Set(records.map(\.x)) == Set(1...UInt8(n)))
                for _ in 0..<3 {
                    let chosen = Array(records.shuffled(using: &generator).prefix(k))
                    let combined = try Quorum.combine(chosen, keyCheck: testKeyCheck)
                    #expect(combined.key.constantTimeEquals(key), "k=\(k) n=\(n)")
                    #expect(combined.badShares.isEmpty)
                }
                let tooFew = Array(records.prefix(k - 1))
                if k > 2 {
                    let guess = try Shamir.interpolate(tooFew.map { (x: $0.x, y: $0.y) })
                    #expect(!guess.constantTimeEquals(key), "k-1 shares must not give the key (k=\(k) n=\(n))")
                }
            }
        }
    }

    @Test func recordsRoundTripAndCarryTheDocumentedLayout() throws {
        var generator = SeededGenerator(state: 7)
        let records = try Quorum.split(randomKey(&generator), k: 3, n: 5, keyCheck: testKeyCheck, using: &generator)
        for record in records {
            let bytes = record.encoded().withBytes { $0 }
            #expect(bytes.count == 68)
            #expect(Array(bytes[0..<4]) == Array("TPQS".utf8) && bytes[4] == 1)
            #expect(bytes[21] == 3 && bytes[22] == 5 && bytes[23] == record.x)
            let back = try ShareRecord(parsing: bytes)
            #expect(back.x == record.x && back.setIdentifier == record.setIdentifier)
            #expect(back.y.constantTimeEquals(record.y))
        }
        #expect("\(records[0])".hasPrefix("share 1 of 5 (any 3) of set "))
    }

    @Test func crc32IsZlibs() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
    }

    @Test func aDamagedRecordIsRefusedByItsChecksum() throws {
        var generator = SeededGenerator(state: 8)
        let record = try Quorum.split(randomKey(&generator), k: 2, n: 3, keyCheck: testKeyCheck, using: &generator)[1]
        var bytes = record.encoded().withBytes { $0 }
        bytes[40] ^= 0x01
        let error = #expect(throws: QuorumError.self) { try ShareRecord(parsing: bytes) }
        #expect(error?.code == .corruptShare)
        #expect(error?.description.contains("share x=2") == true)
        #expect(throws: QuorumError.self) { try ShareRecord(parsing: Array(bytes.prefix(60))) }
        #expect(throws: QuorumError.self) { try ShareRecord(parsing: [UInt8](repeating: 0, count: 68)) }
    }

    @Test func mixedSetsDuplicatesAndTooFewAreRefusedByName() throws {
        var generator = SeededGenerator(state: 9)
        let a = try Quorum.split(randomKey(&generator), k: 2, n: 3, keyCheck: testKeyCheck, using: &generator)
        let b = try Quorum.split(randomKey(&generator), k: 2, n: 3, keyCheck: testKeyCheck, using: &generator)
        let mixed = #expect(throws: QuorumError.self) { try Quorum.combine([a[0], b[1]]) }
        #expect(mixed?.code == .mixedSets)
        let twice = #expect(throws: QuorumError.self) { try Quorum.combine([a[0], a[0]]) }
        #expect(twice?.code == .duplicateShare)
        #expect(twice?.description.contains("given twice") == true)
        let few = #expect(throws: QuorumError.self) { try Quorum.combine([a[2]]) }
        #expect(few?.code == .tooFewShares)
        #expect(few?.description.contains("2 shares are needed, 1 given (x = 3)") == true)
    }

    /// A forged share (valid checksum, wrong value) among k: the key check value catches it.
    @Test func aForgedShareFailsTheKeyCheck() throws {
        var generator = SeededGenerator(state: 10)
        var records = try Quorum.split(randomKey(&generator), k: 3, n: 5, keyCheck: testKeyCheck, using: &generator)
        records[1].y = SecretBytes([UInt8](repeating: 0x42, count: 32))
        let error = #expect(throws: QuorumError.self) { try Quorum.combine(Array(records.prefix(3)), keyCheck: testKeyCheck) }
        #expect(error?.code == .keyCheckFailed)
    }

    /// Given more than k shares, the bad one is found: from the others' agreement when there
    /// are at least k+2, and with the key check value already at k+1.
    @Test func moreThanKSharesFindTheBadOne() throws {
        var generator = SeededGenerator(state: 11)
        let key = randomKey(&generator)
        var records = try Quorum.split(key, k: 3, n: 6, keyCheck: testKeyCheck, using: &generator)
        records[3].y = SecretBytes([UInt8](repeating: 0x42, count: 32))

        let five = Array(records.prefix(5))
        let byAgreement = try Quorum.combine(five)
        #expect(byAgreement.key.constantTimeEquals(key))
        #expect(byAgreement.badShares == [4])

        let four = Array(records.prefix(4))
        let ambiguous = #expect(throws: QuorumError.self) { try Quorum.combine(four) }
        #expect(ambiguous?.code == .corruptShare)
        let byKeyCheck = try Quorum.combine(four, keyCheck: testKeyCheck)
        #expect(byKeyCheck.key.constantTimeEquals(key))
        #expect(byKeyCheck.badShares == [4])
    }

    @Test func thresholdsOutsideTwoToSixteenAreRefused() {
        var generator = SeededGenerator(state: 12)
        let key = randomKey(&generator)
        for (k, n) in [(1, 3), (3, 2), (2, 17), (0, 0)] {
            #expect(throws: QuorumError.self) { try Quorum.split(key, k: k, n: n, keyCheck: testKeyCheck, using: &generator) }
        }
    }
}
