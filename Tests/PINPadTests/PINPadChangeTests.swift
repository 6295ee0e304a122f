import PINPad
import Simulator
import TCOS
import Testing

/// PIN change on the keypad: current PIN, new PIN, confirmation.
@Suite struct PINPadChangeTests {
    @Test func changeClearsTheDefaultPINFlagAndTheNewPINVerifies() async throws {
        let h = try await PadHarness()
        #expect(try await h.pad.status().slot(.backupKeyShare)?.defaultPINSet == true)
        await h.press("123456,ok,11223344,ok,11223344,ok")
        try await h.pad.changePINOnPad(slot: .backupKeyShare)
        let status = try await h.pad.status()
        #expect(status.slot(.backupKeyShare)?.defaultPINSet == false)
        #expect(status.slot(.pkcs11Activation)?.defaultPINSet == true)
        let screens = await h.simulated.display?.history.map(\.first) ?? []
        #expect(screens.contains("Enter new PIN") && screens.contains("Confirm new PIN"))

        // A fresh session: the old PIN fails, the new one works.
        let again = try await PadHarness(card: h.card)
        await again.press("123456,ok,11223344,ok")
        let error = await #expect(throws: PINPadError.self) { try await again.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .wrongPIN)
        try await again.pad.verifyOnPad(slot: .backupKeyShare)
    }

    @Test func aMismatchedConfirmationChangesNothing() async throws {
        let h = try await PadHarness()
        await h.press("123456,ok,11223344,ok,11223355,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.changePINOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .confirmationMismatch)
        #expect(error?.description.contains("confirmation typed on the keypad differ") == true)
        #expect(h.triesLeft() == 3)
        #expect(try await h.pad.status().slot(.backupKeyShare)?.defaultPINSet == true)
        await h.press("123456,ok")
        try await h.pad.verifyOnPad(slot: .backupKeyShare)
    }

    @Test func aWrongCurrentPINSpendsATry() async throws {
        let h = try await PadHarness()
        await h.press("999999,ok,11223344,ok,11223344,ok")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.changePINOnPad(slot: .pkcs11Activation) }
        #expect(error?.code == .wrongPIN && error?.triesLeft == 2)
        #expect(try await h.pad.status().slot(.pkcs11Activation)?.defaultPINSet == true)
    }
}
