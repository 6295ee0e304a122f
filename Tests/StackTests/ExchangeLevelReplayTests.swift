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
}
