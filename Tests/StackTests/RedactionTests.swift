import CCIDReader
import CaptureDecoder
import Simulator
import TCOS
import Testing
import Transcript
import TrustedPathCore
import USBLink

/// Recordings of card sessions hold no PIN and no share, at the APDU level and inside T=1
/// blocks, and still decode and replay as a protocol flow.
@Suite struct RedactionTests {
    static let pin = Array("123456".utf8)
    static let share = [UInt8](repeating: 0xA5, count: 68)

    private func session(over link: any USBLink) async throws -> TCOSCardStatus {
        let reader = try CCIDReader(link: link)
        let card = TCOSCard(commands: TCOSCommands(channel: try await reader.connect().channel))
        let status = try await card.status()
        try await card.verify(.backupKeyShare, pin: SecretBytes(Self.pin))
        try await card.writeSlot(.backupKeyShare, content: .shamirShareRecord, data: SecretBytes(Self.share))
        _ = try await card.readSlot(.backupKeyShare)
        return status
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        return (0...(haystack.count - needle.count)).contains { Array(haystack[$0..<($0 + needle.count)]) == needle }
    }

    @Test(arguments: [ReaderProfile.cyberJackEcom, .tpduT1Reader, .extendedAPDUReader])
    func noPINAndNoShareReachTheCapture(_ profile: ReaderProfile) async throws {
        let simulated = SimulatedCCIDReader(profile: profile)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        let redaction = CCIDSecretRedactor(for: simulated.device, secretFiles: [TCOSSlot.backupKeyShare.payloadEF])
        let sink = MemoryCaptureSink()
        let status = try await session(over: RecordingLink(wrapping: simulated, sink: sink, redactor: redaction.redactor))

        let capture = UsbmonCaptureWriter().capture(sink.packets)
        #expect(!contains(capture, Self.pin), "\(profile.name): the PIN reached the capture")
        #expect(!contains(capture, Array(Self.share.prefix(16))), "\(profile.name): the share reached the capture")
        // The slot header is not secret and stays readable: the flow replays.
        let replay = ReplayLink(packets: sink.packets, device: simulated.device,
                                redactor: CCIDSecretRedactor(for: simulated.device, secretFiles: [TCOSSlot.backupKeyShare.payloadEF]).redactor)
        let reader = try CCIDReader(link: replay)
        let card = TCOSCard(commands: TCOSCommands(channel: try await reader.connect().channel))
        #expect(try await card.status() == status)
        try await card.verify(.backupKeyShare, pin: SecretBytes(Self.pin))
    }

    @Test func withoutAFileListEveryReadAnswerIsRedacted() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        let sink = MemoryCaptureSink()
        _ = try await session(over: RecordingLink(wrapping: simulated, sink: sink, redactor: CCIDSecretRedactor(for: simulated.device).redactor))
        // Every DataBlock answering a READ BINARY holds only FF before its status word.
        var records: [CCIDRecord] = []
        var decoder = CaptureCCIDDecoder()
        for (i, p) in sink.packets.enumerated() {
            decoder.feed(frame: i + 1, p) { if case .message(let r) = $0 { records.append(r) } }
        }
        var reads = 0
        for (command, answer) in zip(records, records.dropFirst()) where command.bytes.count > 11
            && command.bytes[0] == 0x6F && command.bytes[11] == 0xB0 {
            reads += 1
            #expect(answer.payload.dropLast(2).allSatisfy { $0 == 0xFF })
        }
        #expect(reads >= 3)
    }
}
