import Simulator
import TCOS
import Testing
import TrustedPathCore

@Suite struct SimulatorStateTests {
    @Test func exportImportKeepsFilesPINsAndCounters() async throws {
        let harness = CardHarness()
        let card = harness.tcosCard()
        try await card.changePIN(.backupKeyShare, old: secret("123456"), new: secret("55667788"))
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes([9, 8, 7]))
        await #expect(throws: TCOSError.self) { try await card.verify(.pkcs11Activation, pin: secret("000000")) }
        let exported = harness.card.exportState()
        let text = String(decoding: exported, as: UTF8.self)
        #expect(text.hasPrefix("TRUSTEDPATH-TCOS-SIM 1\n"))

        let restored = CardHarness(card: try SimulatedTCOSCard(importing: exported))
        #expect(restored.card.exportState() == exported)
        let restoredCard = restored.tcosCard()
        let status = try await restoredCard.status()
        #expect(status.slot(.backupKeyShare)?.defaultPINSet == false)
        #expect(status.slot(.pkcs11Activation)?.pin == .notVerified(triesLeft: 2))
        // Loading is a power-up: the PIN verified before the export is not verified now.
        #expect(status.slot(.backupKeyShare)?.pin == .notVerified(triesLeft: 3))
        try await restoredCard.verify(.backupKeyShare, pin: secret("55667788"))
        #expect(try await restoredCard.readSlot(.backupKeyShare).data.withBytes { $0 } == [9, 8, 7])
    }

    @Test func brokenStateSaysWhichLine() {
        do {
            _ = try SimulatedTCOSCard(importing: Array("TRUSTEDPATH-TCOS-SIM 1\nATR 3B\nXX y\n".utf8))
            Issue.record("accepted")
        } catch {
            #expect(error.line == 3)
            #expect("\(error)".contains("delete the state file"))
        }
        #expect(throws: SimulatedTCOSStateError.self) { try SimulatedTCOSCard(importing: Array("hello".utf8)) }
        #expect(throws: SimulatedTCOSStateError.self) {
            try SimulatedTCOSCard(importing: Array("TRUSTEDPATH-TCOS-SIM 1\nDF 3F00/4B53 -\n".utf8))
        }
    }

    @Test func cardNeverPrintsItsPINs() {
        let card = SimulatedTCOSCard()
        let text = "\(card)" + String(reflecting: card)
        #expect(!text.contains("313233343536"))
        #expect(!text.contains("123456"))
    }
}
