import APDU
import Simulator
import TCOS
import Testing

@Suite struct TCOSCommandsTests {
    @Test func selectWithAndWithoutFCP() async throws {
        let harness = CardHarness()
        let commands = harness.commands
        let serial = try #require(try await commands.select(path: [0x3F00, 0x2F02]))
        #expect(serial.fileID == 0x2F02)
        #expect(serial.fileSize == 12)
        #expect(!serial.isDirectory)
        #expect(harness.sent.last == [0x00, 0xA4, 0x08, 0x04, 0x02, 0x2F, 0x02, 0x00])

        #expect(try await commands.select(fileID: 0x3F00, returnFCP: false) == nil)
        #expect(harness.sent.last == [0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00])

        let netKey = try #require(try await commands.select(dfName: [0xD2, 0x76, 0x00, 0x00, 0x03, 0x01, 0x02]))
        #expect(netKey.isDirectory)
        #expect(netKey.fileID == 0xDF01)
        let mf = try #require(try await commands.selectMF())
        #expect(mf.fileID == 0x3F00)
        #expect(mf.dfName == Array("foo".utf8))

        // card-tcos.c's relative (P1 09) and parent (P1 03) selections.
        try await commands.select(path: [0xDF01], returnFCP: false)
        let certificate = try #require(try await commands.select(relativePath: [0xC000]))
        #expect(certificate.fileSize == 0x33E)
        #expect(harness.sent.last == [0x00, 0xA4, 0x09, 0x04, 0x02, 0xC0, 0x00, 0x00])
        try await commands.select(path: [0xDF01], returnFCP: false)
        #expect(try await commands.selectParent()?.fileID == 0x3F00)

        await #expect(throws: TCOSError.self) { try await commands.select(path: [0x3F00, 0x1234]) }
        do {
            try await commands.select(path: [0x1234])
        } catch {
            #expect(error.code == .fileNotFound)
        }
    }

    @Test func fcpRoundTripsAndMalformedFCPNamesTagAndOffset() throws {
        let mf: [UInt8] = [0x62, 0x0C, 0x82, 0x01, 0x38, 0x83, 0x02, 0x3F, 0x00, 0x84, 0x03, 0x66, 0x6F, 0x6F]
        #expect(try FileControlParameters(parsing: mf).encoded() == mf)
        let withExtras: [UInt8] = [0x62, 0x0E, 0x80, 0x02, 0x01, 0x00, 0x82, 0x01, 0x01, 0x83, 0x02, 0x12, 0x34,
                                   0x8A, 0x01, 0x05]
        let parsed = try FileControlParameters(parsing: withExtras)
        #expect(parsed.fileSize == 256)
        #expect(parsed.lifeCycleStatus == 5)

        func failure(_ bytes: [UInt8]) -> TCOSError? {
            do { _ = try FileControlParameters(parsing: bytes); return nil } catch { return error }
        }
        let wrongTag = try #require(failure([0x6F, 0x00]))
        #expect(wrongTag.code == .malformedFCP && wrongTag.offset == 0)
        let overrun = try #require(failure([0x62, 0x05, 0x83, 0x02, 0x3F]))
        #expect(overrun.field == "tag 62 length")
        let shortFID = try #require(failure([0x62, 0x03, 0x83, 0x01, 0x3F]))
        #expect(shortFID.field == "tag 83 (file identifier)" && shortFID.offset == 2)
        let valueOverrun = try #require(failure([0x62, 0x04, 0x82, 0x01, 0x38, 0x83]))
        #expect(valueOverrun.field == "tag 83 length" && valueOverrun.offset == 6)
        let badSize = try #require(failure([0x62, 0x02, 0x81, 0x00]))
        #expect(badSize.field == "tag 81 (file size)")
        #expect("\(badSize)".contains("tag 81"))
        #expect(failure([]) != nil)
    }

    @Test func malformedFCPFromTheCardIsAClearError() async {
        let commands = TCOSCommands(channel: FixedAnswerChannel(answer: [0x62, 0x04, 0x83, 0x05, 0x3F, 0x00, 0x90, 0x00]))
        do {
            try await commands.select(fileID: 0x3F00)
            Issue.record("no error")
        } catch {
            #expect(error.code == .malformedFCP)
            #expect(error.field == "tag 83 value")
            #expect(error.offset == 4)
        }
    }

    @Test func chunkedReadAndWriteOfAThousandBytes() async throws {
        let harness = CardHarness()
        let commands = harness.commands
        try await commands.select(path: TCOSSlot.backupKeyShare.path, returnFCP: false)
        #expect(try await commands.verify(reference: 0x81, pin: secret("123456")) == .verified)
        try await commands.select(fileID: TCOSSlot.backupKeyShare.payloadEF, returnFCP: false)
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
        harness.clearLog()
        try await commands.updateBinary(offset: 0, data: data, chunkSize: 100)
        #expect(harness.sent(ins: 0xD6).count == 10)
        #expect(harness.sent(ins: 0xD6)[3][2...3] == [0x01, 0x2C])      // offset 300 in P1-P2
        let back = try await commands.readBinary(offset: 0, length: 1000, chunkSize: 255)
        #expect(back == data)
        #expect(harness.sent(ins: 0xB0).count == 4)
        #expect(try await commands.readBinary(offset: 990, count: 10) == Array(data[990...]))
        await #expect(throws: TCOSError.self) { try await commands.readBinary(length: 10, chunkSize: 256) }
    }

    @Test func recordsAndList() async throws {
        let harness = CardHarness(.openscReference)
        let commands = harness.commands
        try await commands.selectMF(returnFCP: false)
        #expect(try await commands.listFiles(.directories) == [0xDF01])
        #expect(try await commands.listFiles(.elementaryFiles) == [0x2F02])
        #expect(harness.sent(ins: 0xAA) == [[0x80, 0xAA, 0x01, 0x00, 0x00], [0x80, 0xAA, 0x02, 0x00, 0x00]])

        let netKey = CardHarness(.trustedPath).commands
        try await netKey.selectMF(returnFCP: false)
        #expect(try await netKey.listFiles(.directories) == [0xDF01, 0x4B53, 0x4B50])
        try await netKey.select(path: [0xDF01, 0x5349], returnFCP: false)
        let records = try await netKey.readAllRecords()
        #expect(records == [[0xA0, 0x03, 0x83, 0x01, 0x80, 0xB6, 0x00, 0xB8, 0x00], [0xA0, 0x03, 0x83, 0x01, 0x82, 0xB6, 0x00]])
        #expect(try await netKey.readRecord(2) == records[1])
        do { _ = try await netKey.readRecord(3); Issue.record("no error") } catch { #expect(error.statusWord?.rawValue == 0x6A83) }
        // Records of the NetKey files are read-only: 6982 on update.
        do { try await netKey.updateRecord(1, data: [1]); Issue.record("no error") } catch { #expect(error.code == .securityStatusNotSatisfied) }
    }

    /// UPDATE RECORD on a record EF the card lets anyone write (a card state with one added:
    /// no profile has such a file), then READ RECORD sees the new record and only it.
    @Test func updateRecordReplacesOneRecord() async throws {
        let base = String(decoding: SimulatedTCOSCard(profile: .openscReference).exportState(), as: UTF8.self)
        let card = try SimulatedTCOSCard(importing: Array((base + "EF 3F00/5050 R A A 0102,0304,0506\n").utf8))
        let harness = CardHarness(card: card)
        let commands = harness.commands
        try await commands.select(path: [0x3F00, 0x5050], returnFCP: false)
        try await commands.updateRecord(2, data: [0xAA, 0xBB, 0xCC])
        #expect(harness.sent.last == [0x00, 0xDC, 0x02, 0x04, 0x03, 0xAA, 0xBB, 0xCC])
        #expect(try await commands.readAllRecords() == [[0x01, 0x02], [0xAA, 0xBB, 0xCC], [0x05, 0x06]])
        do { try await commands.updateRecord(4, data: [1]); Issue.record("no error") } catch {
            #expect(error.statusWord?.rawValue == 0x6A83, "\(error)")
        }
    }

    @Test func verifyRightWrongAndBlocked() async throws {
        let harness = CardHarness()
        let commands = harness.commands
        try await commands.select(path: TCOSSlot.pkcs11Activation.path, returnFCP: false)
        #expect(try await commands.pinStatus(reference: 0x81) == .notVerified(triesLeft: 3))
        #expect(harness.sent.last == [0x00, 0x20, 0x00, 0x81])
        #expect(try await commands.verify(reference: 0x81, pin: secret("000000")) == .notVerified(triesLeft: 2))
        #expect(try await commands.verify(reference: 0x81, pin: secret("123456")) == .verified)
        #expect(try await commands.pinStatus(reference: 0x81) == .verified)
        #expect(try await commands.verify(reference: 0x81, pin: secret("000000")) == .notVerified(triesLeft: 2))
        #expect(try await commands.verify(reference: 0x81, pin: secret("000000")) == .notVerified(triesLeft: 1))
        #expect(try await commands.verify(reference: 0x81, pin: secret("000000")) == .blocked)
        #expect(try await commands.verify(reference: 0x81, pin: secret("123456")) == .blocked)
        #expect(harness.card.process([0x00, 0x20, 0x00, 0x81]) == [0x69, 0x83])
        // The other slot's PIN is its own.
        try await commands.select(path: TCOSSlot.backupKeyShare.path, returnFCP: false)
        #expect(try await commands.pinStatus(reference: 0x81) == .notVerified(triesLeft: 3))
    }

    @Test func changeReferenceDataAndResetRetryCounter() async throws {
        let harness = CardHarness()
        let commands = harness.commands
        try await commands.select(path: TCOSSlot.backupKeyShare.path, returnFCP: false)
        #expect(try await commands.changeReferenceData(reference: 0x81, oldPIN: secret("123456"), newPIN: secret("24682468")) == .verified)
        harness.card.reset()
        try await commands.select(path: TCOSSlot.backupKeyShare.path, returnFCP: false)
        #expect(try await commands.verify(reference: 0x81, pin: secret("123456")) == .notVerified(triesLeft: 2))
        #expect(try await commands.verify(reference: 0x81, pin: secret("24682468")) == .verified)
        for _ in 0..<3 { _ = try await commands.verify(reference: 0x81, pin: secret("111111")) }
        #expect(try await commands.pinStatus(reference: 0x81) == .blocked)
        #expect(try await commands.resetRetryCounter(reference: 0x81, puk: secret("00000000"), newPIN: secret("135791")) == .notVerified(triesLeft: 9))
        #expect(try await commands.resetRetryCounter(reference: 0x81, puk: secret("12345678"), newPIN: secret("135791")) == .verified)
        #expect(try await commands.pinStatus(reference: 0x81) == .notVerified(triesLeft: 3))
        #expect(try await commands.verify(reference: 0x81, pin: secret("135791")) == .verified)
    }

    @Test func getChallengeAndStatusWordsOfTheSimulator() async throws {
        let harness = CardHarness()
        let a = try await harness.commands.getChallenge()
        let b = try await harness.commands.getChallenge()
        #expect(a.count == 8 && a != b)
        let card = harness.card
        #expect(card.process([0x00, 0xEE, 0x00, 0x00]) == [0x6D, 0x00])           // unknown INS
        #expect(card.process([0x00, 0xA4, 0x07, 0x00, 0x02, 0x3F, 0x00]) == [0x6A, 0x86])   // wrong P1
        #expect(card.process([0x00, 0xA4, 0x00, 0x05, 0x02, 0x3F, 0x00]) == [0x6A, 0x86])   // wrong P2
        #expect(card.process([0x00, 0xA4, 0x00, 0x00, 0x03, 0x3F, 0x00, 0x00, 0x00]) == [0x67, 0x00])
        #expect(card.process([0x00, 0x84, 0x00, 0x00, 0x10]) == [0x67, 0x00])
        #expect(card.process([0x00, 0xB0, 0x00, 0x00, 0x05, 0x01]) == [0x67, 0x00])     // Lc 5 with 1 byte
        #expect(card.process([0x00]) == [0x67, 0x00])
        #expect(card.process([0xA0, 0xA4, 0x00, 0x00]) == [0x6E, 0x00])
        // Slot payload before its PIN: 6982.
        _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x04, 0x4B, 0x53, 0x01, 0x02])
        #expect(card.process([0x00, 0xB0, 0x00, 0x00, 0x08]) == [0x69, 0x82])
    }
}
