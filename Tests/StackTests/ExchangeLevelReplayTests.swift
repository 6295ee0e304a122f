import APDU
import CCIDReader
import Simulator
import Testing
import Transcript
import USBLink

/// Every exchange level's flow recorded against the simulated reader as a usbmon capture,
/// then replayed strictly from that capture by a fresh host stack: the same bytes, the same
/// answers, nothing left over.
@Suite struct ExchangeLevelReplayTests {
    static let flow: [[UInt8]] = [
        [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x50, 0x15],
        [0x00, 0x20, 0x00, 0x81, 0x08] + MemoryCard.asciiPINBlock("1234"),
        [0x00, 0xD6, 0x00, 0x00, 0x04, 0xDE, 0xAD, 0xBE, 0xEF],
        [0x00, 0xA4, 0x02, 0x00, 0x02, 0x2F, 0x00],
        [0x00, 0xB0, 0x00, 0x00, 0xFF],
    ]

    private func run(over link: any USBLink) async throws -> [[UInt8]] {
        let reader = try CCIDReader(link: link)
        let channel = try await reader.connect().channel
        var answers: [[UInt8]] = []
        for command in Self.flow {
            let response = try await channel.transmit(try CommandAPDU(parsing: command))
            answers.append(response.data + [response.statusWord.sw1, response.statusWord.sw2])
        }
        return answers
    }

    @Test(arguments: [("TPDU T=1", ReaderProfile.tpduT1Reader, 1), ("TPDU T=0", .tpduT0Reader, 0),
                      ("short APDU", .cyberJackEcom, 1), ("extended APDU", .extendedAPDUReader, 1)])
    func aRecordedFlowReplaysByteForByte(_ name: String, _ profile: ReaderProfile, _ cardProtocol: Int) async throws {
        let simulated = SimulatedCCIDReader(profile: profile)
        await simulated.insert(card: cardProtocol == 1 ? MemoryCard.t1(pin: "1234") : MemoryCard.t0(pin: "1234"))
        let sink = MemoryCaptureSink()
        let live = try await run(over: RecordingLink(wrapping: simulated, sink: sink))
        #expect(live.last?.suffix(2) == [0x90, 0x00], "\(name)")

        let packets = try CaptureReader.readAll(UsbmonCaptureWriter().capture(sink.packets))
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device)
        #expect(try await run(over: replay) == live, "\(name)")
        try await replay.expectFinished()
    }

    /// What the multi-slot flow saw: the card events in order, then each slot's answers.
    struct MultiSlotRun: Equatable {
        var events: [CCIDCardEvent] = []
        var answers: [[UInt8]] = []
    }

    /// Two cards come and go on a two-slot reader while each slot runs its own protocol.
    /// `device` moves the cards in the live run; in the replay the recording alone does.
    private func multiSlotFlow(over link: any USBLink, device: @escaping @Sendable (Int, Bool) async -> Void)
        async throws -> MultiSlotRun {
        let reader = try CCIDReader(link: link)
        var events = reader.cardEvents().makeAsyncIterator()
        var run = MultiSlotRun()
        func next() async throws { run.events.append(try #require(await events.next())) }
        await device(0, true); try await next()
        await device(1, true); try await next()
        let connections = [try await reader.connect(slot: 0), try await reader.connect(slot: 1)]
        for (slot, connection) in connections.enumerated() {
            for command in [Self.flow[0], [0x00, 0x20, 0x00, 0x81, 0x08] + MemoryCard.asciiPINBlock("1111")] {
                let response = try await connection.channel.transmit(try CommandAPDU(parsing: command))
                run.answers.append([UInt8(slot)] + response.data + [response.statusWord.sw1, response.statusWord.sw2])
            }
        }
        await device(1, false); try await next()
        return run
    }

    @Test func aMultiSlotFlowWithCardEventsReplaysByteForByte() async throws {
        let simulated = SimulatedCCIDReader(profile: .multiSlotReader)
        let sink = MemoryCaptureSink()
        let live = try await multiSlotFlow(over: RecordingLink(wrapping: simulated, sink: sink)) { slot, insert in
            if insert {
                await simulated.insert(card: slot == 0 ? MemoryCard.t1(pin: "1111") : MemoryCard.t0(pin: "2222"), slot: slot)
            } else {
                await simulated.remove(slot: slot)
            }
        }
        #expect(live.events == [.inserted(slot: 0), .inserted(slot: 1), .removed(slot: 1)])
        // Slot 0 took its PIN, slot 1's card has another: the slots did not share a card.
        #expect(live.answers.map { $0.suffix(2) } == [[0x90, 0x00], [0x90, 0x00], [0x90, 0x00], [0x63, 0xC2]])

        let packets = try CaptureReader.readAll(UsbmonCaptureWriter().capture(sink.packets))
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device)
        #expect(try await multiSlotFlow(over: replay) { _, _ in } == live)
        try await replay.expectFinished()
    }
}
