import Simulator
import TCOS
import Testing
import TrustedPathCore

@Suite struct TCOSCardTests {
    @Test func freshCardWarnsAboutTheDefaultPIN() async throws {
        let status = try await CardHarness().tcosCard().status()
        #expect(status.layout == .trustedPath)
        for kind in TCOSSlot.Kind.allCases {
            let slot = try #require(status.slot(kind))
            #expect(slot.present && slot.defaultPINSet)
            #expect(slot.pin == .notVerified(triesLeft: 3))
            #expect(slot.content == .empty)
        }
        #expect(status.notices == [.defaultPINSet(.backupKeyShare), .defaultPINSet(.pkcs11Activation)])
        #expect(status.notices[0].userMessage
                == "The backup key share slot still has the default PIN 123456. Change it before storing anything secret.")
    }

    @Test func statusNeverSpendsATry() async throws {
        let harness = CardHarness()
        _ = try await harness.tcosCard().status()
        // No VERIFY with data, no write of any kind.
        #expect(harness.sent(ins: 0x20).allSatisfy { $0.count == 4 })
        #expect(harness.sent(ins: 0xD6).isEmpty)
    }

    @Test func cardStatusTexts() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard()
        try await card.changePIN(.backupKeyShare, old: secret("123456"), new: secret("271828"))
        await #expect(throws: TCOSError.self) { try await card.verify(.pkcs11Activation, pin: secret("999999")) }
        await #expect(throws: TCOSError.self) { try await card.verify(.pkcs11Activation, pin: secret("999999")) }
        let status = try await card.status()
        #expect(status.notices == [.ready(.backupKeyShare), .triesLeft(.pkcs11Activation, 1), .defaultPINSet(.pkcs11Activation)])
        #expect(status.notices.map(\.userMessage) == [
            "The backup key share slot is ready.",
            "The PKCS#11 activation slot has 1 PIN try left. One more wrong PIN blocks it.",
            "The PKCS#11 activation slot still has the default PIN 123456. Change it before storing anything secret.",
        ])
        await #expect(throws: TCOSError.self) {
            try await card.verify(.pkcs11Activation, pin: secret("999999"), allowLastTry: true)
        }
        let blocked = try await card.status()
        #expect(blocked.notices.contains(.pinBlocked(.pkcs11Activation)))
        #expect(TCOSCardNotice.pinBlocked(.pkcs11Activation).userMessage
                == "The PKCS#11 activation slot PIN is blocked. Unblock it with the PUK; the data in the slot is kept.")
    }

    @Test func lastTryIsRefusedUnlessAllowed() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard()
        for expected in [2, 1] {
            do {
                try await card.verify(.backupKeyShare, pin: secret("000000"))
                Issue.record("wrong PIN accepted")
            } catch {
                #expect(error.code == .wrongPIN && error.triesLeft == expected)
            }
        }
        harness.clearLog()
        do {
            try await card.verify(.backupKeyShare, pin: secret("123456"))
            Issue.record("last try spent silently")
        } catch {
            #expect(error.code == .lastTryRefused && error.triesLeft == 1)
            #expect("\(error)".contains("only 1 PIN try is left"))
        }
        // Only the counter query went out, never the PIN.
        #expect(harness.sent(ins: 0x20) == [[0x00, 0x20, 0x00, 0x81]])
        try await card.verify(.backupKeyShare, pin: secret("123456"), allowLastTry: true)
        #expect(try await card.status().slot(.backupKeyShare)?.pin == .verified)
    }

    @Test func blockedPINIsReportedWithoutSendingThePIN() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard()
        for _ in 0..<3 { _ = harness.card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53]) }
        for _ in 0..<3 { _ = harness.card.process([0x00, 0x20, 0x00, 0x81, 0x06] + Array("000000".utf8)) }
        harness.clearLog()
        do {
            try await card.verify(.backupKeyShare, pin: secret("123456"), allowLastTry: true)
            Issue.record("no error")
        } catch {
            #expect(error.code == .pinBlocked)
        }
        #expect(harness.sent(ins: 0x20).allSatisfy { $0.count == 4 })
        try await card.resetPIN(.backupKeyShare, puk: secret("12345678"), new: secret("314159"))
        try await card.verify(.backupKeyShare, pin: secret("314159"))
    }

    @Test func changePINClearsTheDefaultPINWarning() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard()
        try await card.changePIN(.pkcs11Activation, old: secret("123456"), new: secret("98765432"))
        harness.card.reset()
        let status = try await card.status()
        #expect(status.slot(.pkcs11Activation)?.defaultPINSet == false)
        #expect(status.slot(.backupKeyShare)?.defaultPINSet == true)
        do { try await card.verify(.pkcs11Activation, pin: secret("123456")); Issue.record("old PIN works") } catch {
            #expect(error.code == .wrongPIN)
        }
        try await card.verify(.pkcs11Activation, pin: secret("98765432"))
        do { try await card.changePIN(.pkcs11Activation, old: secret("98765432"), new: secret("12ab")) } catch {
            #expect(error.code == .invalidArgument)
        }
    }

    @Test func writeAndReadASlot() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard(chunkSize: 100)
        let share = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 31) }
        do { try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes(share)) } catch {
            #expect(error.code == .securityStatusNotSatisfied)
        }
        try await card.verify(.backupKeyShare, pin: secret("123456"))
        harness.clearLog()
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes(share))
        // Three 100-byte payload chunks, then the 8-byte header.
        #expect(harness.sent(ins: 0xD6).map(\.count) == [105, 105, 105, 13])
        harness.clearLog()
        let (content, data) = try await card.readSlot(.backupKeyShare)
        #expect(harness.sent(ins: 0xB0).map { $0[4] } == [8, 100, 100, 100])
        #expect(content == .shamirShareRecord)
        #expect(data.withBytes { $0 } == share)
        #expect("\(data)" == "<redacted>")
        let slot = try #require(try await card.status().slot(.backupKeyShare))
        #expect(slot.content == .shamirShareRecord && slot.contentLength == 300)
        harness.card.reset()
        do { _ = try await card.readSlot(.backupKeyShare); Issue.record("read without PIN") } catch {
            #expect(error.code == .securityStatusNotSatisfied)
        }
        do { _ = try await card.readSlot(.pkcs11Activation); Issue.record("empty slot read") } catch {
            #expect(error.code == .slotEmpty)
        }
    }

    @Test func foreignAndBlankCardsAreRefusedBeforeAnyWrite() async throws {
        for (profile, expected) in [(SimulatedTCOSCard.Profile.netKeyReference(certificateWrapped: true), TCOSError.Code.notOurCard),
                                    (.openscReference, .notOurCard), (.blank, .blankCard)] {
            let harness = CardHarness(profile)
            let card = harness.tcosCard()
            let status = try await card.status()
            if expected == .blankCard {
                #expect(status.layout == .blank)
                #expect(status.notices == [.blankCard])
            } else {
                guard case .foreign(let reason) = status.layout else { Issue.record("not foreign"); continue }
                #expect(reason.contains("DF01"))
                #expect(status.notices.first?.userMessage.hasPrefix("This is not a TrustedPath card") == true)
            }
            do {
                try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes([1, 2, 3]))
                Issue.record("wrote to a foreign card")
            } catch {
                #expect(error.code == expected)
            }
            #expect(harness.sent(ins: 0xD6).isEmpty && harness.sent(ins: 0xDC).isEmpty)
        }
    }

    @Test func slotDFWithAnotherNameIsForeign() async throws {
        // A card whose 4B53 is some other application's DF: change the exported state.
        let original = String(decoding: SimulatedTCOSCard().exportState(), as: UTF8.self)
        let renamed = original.replacing( "DF 3F00/4B53 F054505348415245", with: "DF 3F00/4B53 A0000001")
        let harness = CardHarness(card: try SimulatedTCOSCard(importing: Array(renamed.utf8)))
        let status = try await harness.tcosCard().status()
        guard case .foreign(let reason) = status.layout else { Issue.record("not foreign"); return }
        #expect(reason.contains("another application"))
    }
}
