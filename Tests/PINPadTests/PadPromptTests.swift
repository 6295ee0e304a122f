import PINPad
import Simulator
import Testing

/// The appliance's OK/Cancel prompts on the reader's display (TrustedPath escape).
@Suite struct PadPromptTests {
    @Test func promptTexts() {
        #expect(PadPrompt.writeNewKey.lines == ["Write New Key", "press OK/Cancel"])
        #expect(PadPrompt.readNewKey.lines == ["Read New Key", "press OK/Cancel"])
        #expect(PadPrompt.insertCard(3).lines == ["Insert 3. card", "press OK/Cancel"])
        #expect(PadPrompt("A line that is far too long", "é").lines == ["A line that is f", "??"])
        let escape = PadEscape.encode(.insertCard(2), timeoutSeconds: 60)
        #expect(escape.count == 37)
        #expect(Array(escape.prefix(5)) == [0x54, 0x50, 0x01, 0x01, 0x3C])
        #expect(Array(escape[5..<21]) == Array("Insert 2. card  ".utf8))
    }

    @Test(arguments: [("ok", PadConfirmation.ok), ("cancel", .cancel), ("timeout", .timeout), ("", .timeout),
                      ("1,clear,ok", .ok)])
    func confirmShowsThePromptAndReadsTheKey(_ keys: String, _ expected: PadConfirmation) async throws {
        let h = try await PadHarness()
        await h.press(keys)
        #expect(try await h.pad.confirm(.writeNewKey) == expected)
        #expect(await h.simulated.display?.current == ["Write New Key", "press OK/Cancel"])
        #expect(h.messages.all == [PadMessage(.onPad, ["Write New Key", "press OK/Cancel"])])
    }

    @Test func theQuorumPromptsInTurn() async throws {
        let h = try await PadHarness()
        await h.press("ok,ok,cancel")
        #expect(try await h.pad.confirm(.insertCard(1)) == .ok)
        #expect(try await h.pad.confirm(.insertCard(2)) == .ok)
        #expect(try await h.pad.confirm(.insertCard(3)) == .cancel)
        #expect(await h.simulated.display?.history.map(\.first) == ["Insert 1. card", "Insert 2. card", "Insert 3. card"])
    }

    /// A PIN pad without display: the prompt goes to the host's fallback, nothing to the reader,
    /// and OK/Cancel is taken in the PIN entry that follows.
    @Test func withoutDisplayThePromptGoesToTheFallback() async throws {
        var profile = ReaderProfile.cyberJackEcom
        profile.descriptor.wLcdLayout = 0
        let h = try await PadHarness(profile: profile)
        #expect(try await h.pad.confirm(.readNewKey) == .ok)
        #expect(h.messages.all == [PadMessage(.hostFallback, ["Read New Key", "press OK/Cancel"])])
        await h.press("cancel")
        let error = await #expect(throws: PINPadError.self) { try await h.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(error?.code == .cancelled)
        #expect(h.messages.all.last?.kind == .hostFallback)
    }
}
