import APDU
@testable import PCSC
import Testing
import VPCDBridge

/// Our PC/SC backend against the real pcscd and vpcd, serving the in-process MinimalCard.
extension PCSCTierTests {
@Suite struct PCSCBackend {
    @Test func readersListsBothVPCDSlots() async throws {
        let readers = try await PCSCContext().readers()
        #expect(readers == ["Virtual PCD 00 00", "Virtual PCD 00 01"])
    }

    @Test func connectTransmitAndStatus() async throws {
        try await PCSCTier.withCard { _, state in
            #expect(state.atr == MinimalCard.tcos3ATR)
            let card = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            #expect(await card.activeProtocol == .t1)
            let status = try await card.status()
            #expect(status.reader == PCSCTier.reader)
            #expect(status.atr == MinimalCard.tcos3ATR)

            let selectMF = try CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0x0C, data: [0x3F, 0x00])
            #expect(try await card.transmit(selectMF).statusWord == .success)
            let selectEF = try CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x2F, 0x02])
            #expect(try await card.transmit(selectEF).statusWord == .success)
            let read = try await card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0x10, ne: 16))
            #expect(read.data == Array(MinimalCard.efContent[16..<32]))
            #expect(read.statusWord == .success)
            // Through the CardChannel seam, as TCOS will use it.
            let channel: any CardChannel = card
            let unknown = try await channel.transmit(CommandAPDU(cla: 0, ins: 0xCA, p1: 0, p2: 0, ne: 1))
            #expect(unknown.statusWord == .instructionNotSupported)
            try await card.disconnect()
        }
    }

    /// A card's answer may be a secret (a share read from a slot): once handed over it is
    /// not left in the connection's receive buffer.
    @Test func noAnswerStaysInTheReceiveBuffer() async throws {
        try await PCSCTier.withCard { _, _ in
            let card = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            let selectEF = try CommandAPDU(cla: 0, ins: 0xA4, p1: 0x02, p2: 0x0C, data: [0x2F, 0x02])
            #expect(try await card.transmit(selectEF).statusWord == .success)
            let read = try await card.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0x10, ne: 16))
            #expect(read.data == Array(MinimalCard.efContent[16..<32]))
            #expect(await card.receiveBufferIsClear)
            #expect(try await card.transmit([0x00, 0xB0, 0x00, 0x00, 0x04]).count == 6)
            #expect(await card.receiveBufferIsClear)
            try await card.disconnect()
        }
    }

    @Test func verifyCountsTriesDown() async throws {
        try await PCSCTier.withCard { _, _ in
            let card = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            let wrong = try CommandAPDU(cla: 0, ins: 0x20, p1: 0, p2: 0x01, data: Array("0000".utf8))
            let answer = try await card.transmit(wrong)
            #expect(answer.statusWord.triesLeft == 2)
            #expect(PINPadError(answer.statusWord) == .wrongPIN(triesLeft: 2))
            let right = try CommandAPDU(cla: 0, ins: 0x20, p1: 0, p2: 0x01, data: Array("1234".utf8))
            #expect(try await card.transmit(right).statusWord == .success)
        }
    }

    @Test func exclusiveConnectionBlocksOthers() async throws {
        try await PCSCTier.withCard { _, _ in
            let holder = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader, share: .exclusive)
            let error = await #expect(throws: PCSCError.self) {
                _ = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            }
            #expect(error?.code == .sharingViolation)
            #expect(error?.description.contains("another application holds the card exclusively") == true)
            let seen = try await PCSCContext().waitForChange(readers: [.unaware(PCSCTier.reader)], timeout: .seconds(2))[0]
            #expect(seen.isExclusive)
            try await holder.disconnect()
            let after = try await PCSCContext().waitForChange(readers: [.unaware(PCSCTier.reader)], timeout: .seconds(2))[0]
            #expect(!after.isExclusive)
        }
    }

    @Test func removalAndInsertionAreEvents() async throws {
        let monitor = try PCSCContext()
        let card = MinimalCard()
        var connected: PCSCCard?
        try await PCSCTier.withCard(card) { _, _ in
            connected = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
        }
        // withCard stopped the bridge and waited for pcscd to report the reader empty.
        let empty = try await monitor.waitForChange(readers: [.unaware(PCSCTier.reader)], timeout: .seconds(2))[0]
        #expect(empty.isEmpty)
        #expect(empty.atr.isEmpty || !empty.flags.contains(.present))
        // A handle from before the removal reports it.
        let error = await #expect(throws: PCSCError.self) {
            _ = try await connected!.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00])
        }
        #expect(error?.code == .removedCard)
        // Inserting again: the event counter moves on and the ATR is back.
        try await PCSCTier.withCard(card) { _, state in
            #expect(state.isCardPresent)
            #expect(state.eventCount > empty.eventCount)
            #expect(state.atr == MinimalCard.tcos3ATR)
        }
        #expect(await card.powerCycles >= 2)
    }

    @Test func getFeatureRequestOnVPCD() async throws {
        try await PCSCTier.withCard { _, _ in
            let card = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            // vpcd's IFDHControl answers IFD_ERROR_NOT_SUPPORTED; pcscd turns that into this code.
            let error = await #expect(throws: PCSCError.self) {
                _ = try await card.control(code: PCSCFeature.getFeatureRequestCode)
            }
            #expect(error?.code == .unsupportedFeature)
            let features = try await card.features()
            #expect(features.isEmpty)
            #expect(try await card.pinProperties(features) == nil)
            let noPad = await #expect(throws: PCSCError.self) {
                _ = try await card.verifyPIN(PINVerifyStructure(formatString: 0x82, pinBlockString: 0x08,
                                                               pinLengthFormat: 0, minPINLength: 4, maxPINLength: 8,
                                                               apdu: [0x00, 0x20, 0x00, 0x01, 0x08] + Array(repeating: 0xFF, count: 8)),
                                             features: features)
            }
            #expect(noPad?.code == .unsupportedFeature)
        }
    }

    @Test func unknownReaderIsATypedError() async throws {
        let error = await #expect(throws: PCSCError.self) {
            _ = try await PCSCCard(context: PCSCContext(), reader: "No Such Reader 00 00")
        }
        #expect(error?.code == .unknownReader)
        #expect(error?.code.name == "SCARD_E_UNKNOWN_READER")
        #expect(error?.description.contains("No Such Reader 00 00") == true)
    }

    @Test func connectingToAnEmptyReaderSaysInsertTheCard() async throws {
        let error = await #expect(throws: PCSCError.self) {
            _ = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
        }
        #expect(error?.code == .noSmartcard)
    }

    @Test func waitTimesOutAndCancels() async throws {
        let context = try PCSCContext()
        let now = try await context.waitForChange(readers: [.unaware(PCSCTier.reader)], timeout: .seconds(1))[0]
        let timeout = await #expect(throws: PCSCError.self) {
            _ = try await context.waitForChange(readers: [now], timeout: .milliseconds(200))
        }
        #expect(timeout?.code == .timeout)

        let waiter = Task { try await context.waitForChange(readers: [now], timeout: nil) }
        try await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        let cancelled = await #expect(throws: PCSCError.self) { _ = try await waiter.value }
        #expect(cancelled?.code == .cancelled)
    }

    @Test func plugAndPlayPseudoReaderOnlyWakesForReaderChanges() async throws {
        let context = try PCSCContext()
        // pcsc-lite 1.9.9 does not answer an unaware wait on the PnP reader at once (unlike a
        // real reader): it returns only when a reader is attached or detached, and vpcd's two
        // readers are fixed for pcscd's lifetime, so here the wait runs into its timeout.
        let error = await #expect(throws: PCSCError.self) {
            _ = try await context.waitForChange(readers: [.unaware(PCSCReaderState.plugAndPlayNotification)],
                                                timeout: .milliseconds(300))
        }
        #expect(error?.code == .timeout)
    }

    @Test func reconnectWithResetKeepsTheCardUsable() async throws {
        let card = MinimalCard()
        try await PCSCTier.withCard(card) { _, _ in
            let connection = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            let cycles = await card.powerCycles
            try await connection.reconnect(initialization: .reset)
            #expect(await connection.activeProtocol == .t1)
            let select = try CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0x0C, data: [0x3F, 0x00])
            #expect(try await connection.transmit(select).statusWord == .success)
            // vpcd turns SCARD_RESET_CARD into a reset control or a power cycle.
            #expect(await card.powerCycles >= cycles)
        }
    }

    /// Blocked PC/SC waits sit on Dispatch threads: with more waits than cores pending, an
    /// APDU still goes through at once.
    @Test func blockedWaitsDoNotStarveTheCooperativePool() async throws {
        try await PCSCTier.withCard { _, state in
            let waits = (0..<8).map { _ in
                Task { try? await PCSCContext().waitForChange(readers: [state], timeout: .seconds(3)) }
            }
            try await Task.sleep(for: .milliseconds(100))
            let clock = ContinuousClock()
            let start = clock.now
            let card = try await PCSCCard(context: PCSCContext(), reader: PCSCTier.reader)
            let select = try CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0x0C, data: [0x3F, 0x00])
            #expect(try await card.transmit(select).statusWord == .success)
            #expect(clock.now - start < .seconds(2))
            // Every wait is in SCardGetStatusChange on its own thread; cancelling ends them all now.
            let cancelled = clock.now
            waits.forEach { $0.cancel() }
            for wait in waits { _ = await wait.value }
            #expect(clock.now - cancelled < .seconds(1))
        }
    }
}
}
