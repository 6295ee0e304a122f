import CCID
import PINPad
import Simulator
import TCOS
import Testing
import Transcript

/// The card commands on a TPDU-level PIN pad (the SCM SPR532's descriptor): the T=1 engine
/// or the T=0 mapping carries every APDU, and the PIN block of a T=1 card travels in our own
/// T=1 session (bTeoPrologue), so the sequence numbers must stay right around it.
@Suite struct TPDUPadTests {
    static func card(_ protocolNumber: Int) -> SimulatedTCOSCard {
        let card = SimulatedTCOSCard(profile: .trustedPath)
        if protocolNumber == 0 { card.atr = SimulatedTCOSCard.t0ATR }
        return card
    }

    static func harness(_ protocolNumber: Int) async throws -> PadHarness {
        try await PadHarness(profile: .spr532, card: card(protocolNumber), redact: false)
    }

    @Test(arguments: [1, 0])
    func statusVerifyWriteAndRead(protocolNumber: Int) async throws {
        let h = try await Self.harness(protocolNumber)
        let status = try await h.pad.status()
        #expect(status.slot(.backupKeyShare)?.pin?.triesLeft == 3, "T=\(protocolNumber)")
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        let card = try await h.pad.card()
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: .init(Array(0..<200)))
        #expect(try await card.readSlot(.backupKeyShare).data.withBytes { $0 } == Array(0..<200), "T=\(protocolNumber)")
        // No display on the SPR532: the prompt reaches the operator through the host.
        #expect(h.messages.all.map(\.description) == ["Enter the backup key share slot PIN / on the reader's keypad and press OK"])
        #expect(await h.simulated.display == nil)
        #expect(h.secureMessages.count == 1)
    }

    @Test(arguments: [1, 0])
    func aWrongPINCountsDownAndTheSessionGoesOn(protocolNumber: Int) async throws {
        let h = try await Self.harness(protocolNumber)
        await h.press("654321,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .wrongPIN && error?.triesLeft == 2, "T=\(protocolNumber)")
        #expect(try await h.pad.status().slot(.backupKeyShare)?.pin?.triesLeft == 2, "T=\(protocolNumber)")
    }

    @Test(arguments: [1, 0])
    func aTimeoutSpendsNoTryAndTheNextAPDUStillWorks(protocolNumber: Int) async throws {
        let h = try await Self.harness(protocolNumber)
        await h.press("12,timeout")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .timeout, "T=\(protocolNumber)")
        // No block went to the card: the T=1 state must not have moved.
        #expect(try await h.pad.status().slot(.backupKeyShare)?.pin?.triesLeft == 3, "T=\(protocolNumber)")
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
    }

    @Test(arguments: [1, 0])
    func changeThenVerifyWithTheNewPIN(protocolNumber: Int) async throws {
        let h = try await Self.harness(protocolNumber)
        await h.press("123456,ok,11223344,ok,11223344,ok")
        try await h.pad.changePINOnPad(slot: .backupKeyShare)
        #expect(try await h.pad.status().slot(.backupKeyShare)?.defaultPINSet == false, "T=\(protocolNumber)")
        let again = try await PadHarness(profile: .spr532, card: h.card, redact: false)
        await again.press("11223344,ok")
        try await again.pad.verifyOnPad(slot: .backupKeyShare)
    }

    /// A recording of the T=1 session keeps the share out, in both directions, the PIN
    /// block's exchange (Secure and the card's block) included.
    @Test func aRecordingOfTheT1SessionHoldsNoShareBytes() async throws {
        let h = try await PadHarness(profile: .spr532, card: Self.card(1), redact: true)
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        let card = try await h.pad.card()
        let share = Array(repeating: UInt8(0xA5), count: 40)
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: .init(share))
        #expect(try await card.readSlot(.backupKeyShare).data.withBytes { $0 } == share)
        let leaked = h.sink.packets.filter { packet in
            packet.data.count >= 8 && (0...(packet.data.count - 8)).contains { packet.data[$0..<($0 + 8)].allSatisfy { $0 == 0xA5 } }
        }
        #expect(leaked.isEmpty, "\(leaked.count) packet(s) carry the share")
    }

    /// Every I-block of the session, ours in XfrBlock and the reader's in Secure (its
    /// bTeoPrologue PCB), alternates N(S) 0, 1, 0, ...; so do the card's, in every DataBlock.
    @Test func t1SequenceNumbersStayRightAcrossVerifyThenRead() async throws {
        let h = try await Self.harness(1)
        _ = try await h.pad.status()
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
        let card = try await h.pad.card()
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: .init([7, 7, 7]))
        #expect(try await card.readSlot(.backupKeyShare).data.withBytes { $0 } == [7, 7, 7])
        await h.press("123456,ok,654321,ok,654321,ok")
        try await h.pad.changePINOnPad(slot: .pkcs11Activation)
        _ = try await h.pad.status()

        var hostPCBs: [UInt8] = []
        var cardPCBs: [UInt8] = []
        var sawSecure = 0
        // Commands as submitted (bulk OUT), answers as completed (bulk IN).
        let frames = h.sink.packets.filter { $0.transferType == .bulk && $0.isIn == ($0.event != .submission) }
        for packet in frames where packet.data.count > 11 {
            let message = try CCIDMessage(parsing: packet.data)
            switch message.payload {
            case .xfrBlock(_, _, let block) where block.count > 2:
                hostPCBs.append(block[1])
            case .secure(_, _, let operation):
                sawSecure += 1
                let prologue = try #require(operation.prologueForTest)
                #expect(prologue[2] == UInt8(operation.templateAPDU?.count ?? 0), "LEN is the template's")
                hostPCBs.append(prologue[1])
            case .dataBlock(_, _, _, let block) where block.count > 2 && packet.isIn:
                cardPCBs.append(block[1])
            default:
                continue
            }
        }
        #expect(sawSecure == 2)
        let hostI = hostPCBs.filter { $0 & 0x80 == 0 }.map { $0 >> 6 & 1 }
        let cardI = cardPCBs.filter { $0 & 0x80 == 0 }.map { $0 >> 6 & 1 }
        #expect(hostI.count > 6)
        #expect(hostI == hostI.indices.map { UInt8($0 % 2) }, "host N(S): \(hostI)")
        #expect(cardI == cardI.indices.map { UInt8($0 % 2) }, "card N(S): \(cardI)")
    }
}

extension CCIDPINOperation {
    var prologueForTest: [UInt8]? {
        switch self {
        case .verify(let v): v.bTeoPrologue
        case .modify(let m): m.bTeoPrologue
        case .other: nil
        }
    }
}
