import APDU
import CCIDReader
import PCSC
@testable import PINPad
import Simulator
import TCOS
import Testing

/// The cause of a failure survives the card seam: a pulled card, a reader gone, a timeout and
/// a cancel are four different errors from the reader up to the PIN-pad layer, on the APDU
/// level and through the T=1 engine, and on the PC/SC path alike; none is told by its text.
@Suite struct CardSeamCauseTests {
    /// The error `body` throws, as `type`; nil (and a failed expectation) if it throws none.
    private func failure<E: Error>(_ type: E.Type, _ body: () async throws -> Void,
                                   sourceLocation: SourceLocation = #_sourceLocation) async -> E? {
        do {
            try await body()
        } catch let error as E {
            return error
        } catch {
            Issue.record("threw \(error), not \(E.self)", sourceLocation: sourceLocation)
            return nil
        }
        Issue.record("threw nothing", sourceLocation: sourceLocation)
        return nil
    }

    @Test func aPulledCardAndAGoneReaderAreToldApartAtThePad() async throws {
        let pulled = try await PadHarness()
        _ = try await pulled.pad.status()
        await pulled.simulated.remove(slot: 0)
        let removed = await failure(PINPad.PINPadError.self) { _ = try await pulled.pad.status() }
        #expect(removed?.code == .cardRemoved)

        let unplugged = try await PadHarness()
        _ = try await unplugged.pad.status()
        await unplugged.simulated.disappear()
        let gone = await failure(PINPad.PINPadError.self) { _ = try await unplugged.pad.status() }
        #expect(gone?.code == .readerGone)
    }

    @Test func aTimeoutAndACancelAreTheirOwnOutcomes() async throws {
        let harness = try await PadHarness()
        await harness.press("12,timeout")
        let timeout = await failure(PINPad.PINPadError.self) { try await harness.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(timeout?.code == .timeout)
        await harness.press("cancel")
        let cancel = await failure(PINPad.PINPadError.self) { try await harness.pad.verifyOnPad(slot: .backupKeyShare) }
        #expect(cancel?.code == .cancelled)
    }

    /// Under T=1 (a TPDU-level reader) the slot's error passes the block engine unchanged.
    @Test func theCauseSurvivesTheT1Engine() async throws {
        let simulated = SimulatedCCIDReader(profile: .tpduT1Reader)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        let channel = try await CCIDReader(link: simulated).connect().channel
        let commands = TCOSCommands(channel: channel)
        _ = try await commands.select(path: [0x3F00, 0x2F02], returnFCP: false)
        await simulated.remove(slot: 0)
        let removed = await failure(TCOSError.self) { _ = try await commands.readBinary(offset: 0, count: 4) }
        #expect(removed?.code == .transport && removed?.channel?.cause == .cardRemoved, "\(String(describing: removed))")
        #expect(PINPad.PINPadError.from(try #require(removed)).code == .cardRemoved)

        await simulated.disappear()
        let gone = await failure(TCOSError.self) { _ = try await commands.readBinary(offset: 0, count: 4) }
        #expect(gone?.channel?.cause == .readerGone)
    }

    @Test(arguments: [
        (PCSCError.Code.removedCard, CardChannelError.Cause.cardRemoved), (.noSmartcard, .cardRemoved),
        (.readerUnavailable, .readerGone), (.noService, .readerGone), (.unknownReader, .readerGone),
        (.timeout, .timeout), (.sharingViolation, .busy), (.unresponsiveCard, .cardMute),
    ] as [(PCSCError.Code, CardChannelError.Cause)])
    func pcscFailuresHaveTheSameCauses(code: PCSCError.Code, cause: CardChannelError.Cause) {
        let error = PCSCError(code, operation: "SCardTransmit(\"Reader\")")
        #expect(error.channelError.cause == cause)
        // The operator reads the advice, not pcsc-lite's own text.
        #expect(error.channelError.description.hasPrefix(CardChannelError(cause).description))
        #expect(!error.description.contains(error.systemText) || error.systemText.isEmpty)
    }
}
