import CCIDReader
import Simulator
import TCOS
import Testing
import Transcript
import TrustedPathCore
import USBLink

/// A TCOS card session over the whole stack, recorded as a usbmon capture while it runs
/// against the simulated cyberJack, then replayed strictly from that capture by a fresh
/// host stack: the recording is a test fixture as good as one made on hardware.
@Suite struct TCOSRecordReplayTests {
    /// Status, then a slot written and read back: what the ceremony does with a card.
    private func session(over link: any USBLink) async throws -> (TCOSCardStatus, [UInt8]) {
        let reader = try CCIDReader(link: link)
        let connection = try await reader.connect()
        let card = TCOSCard(commands: TCOSCommands(channel: connection.channel))
        let status = try await card.status()
        try await card.verify(.backupKeyShare, pin: SecretBytes(Array("123456".utf8)))
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes([UInt8](repeating: 0xA5, count: 68)))
        let back = try await card.readSlot(.backupKeyShare)
        return (status, back.data.withBytes { $0 })
    }

    @Test func aRecordedCardSessionReplaysByteForByte() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        let sink = MemoryCaptureSink()
        let (status, data) = try await session(over: RecordingLink(wrapping: simulated, sink: sink))
        #expect(status.layout == .trustedPath)
        #expect(status.slot(.backupKeyShare)?.defaultPINSet == true)
        #expect(status.slot(.backupKeyShare)?.pin == .notVerified(triesLeft: 3))
        #expect(data == [UInt8](repeating: 0xA5, count: 68))

        // Through the capture file format, as a fixture would be stored.
        let file = UsbmonCaptureWriter().capture(sink.packets)
        let packets = try CaptureReader.readAll(file)
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device)
        let (replayedStatus, replayedData) = try await session(over: replay)
        #expect(replayedStatus == status)
        #expect(replayedData == data)
        try await replay.expectFinished()
    }

    @Test func aHostThatStraysFromTheRecordingIsStopped() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        let sink = MemoryCaptureSink()
        _ = try await session(over: RecordingLink(wrapping: simulated, sink: sink))

        let replay = ReplayLink(packets: sink.packets, device: simulated.device)
        let reader = try CCIDReader(link: replay)
        let connection = try await reader.connect()
        let card = TCOSCard(commands: TCOSCommands(channel: connection.channel))
        _ = try await card.status()
        // The recording verified PIN 123456; a host sending another PIN diverges.
        await #expect(throws: (any Error).self) {
            try await card.verify(.backupKeyShare, pin: SecretBytes(Array("654321".utf8)))
        }
    }
}
