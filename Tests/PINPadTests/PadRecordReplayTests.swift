import CCIDReader
import PINPad
import Simulator
import TCOS
import Testing
import Transcript
import USBLink

/// Each pad flow recorded as a usbmon capture against the simulated cyberJack, then replayed
/// strictly through a fresh PINPadReader stack with the same outcome: the recordings are
/// fixtures as good as captures of the real reader.
@Suite struct PadRecordReplayTests {
    enum Flow: String, CaseIterable, Sendable {
        case right, wrong, timeout, cancel, blocked

        var keys: String {
            switch self {
            case .right: "123456,ok"
            case .wrong: "654321,ok"
            case .timeout: "1,timeout"
            case .cancel: "cancel"
            case .blocked: "123456,ok"
            }
        }
    }

    struct Outcome: Equatable {
        var code: PINPadError.Code?
        var triesLeft: Int?
    }

    private func run(over link: any USBLink) async throws -> Outcome {
        let pad = try PINPadReader(reader: try CCIDReader(link: link))
        do {
            try await pad.verifyOnPad(slot: .backupKeyShare)
            return Outcome()
        } catch {
            return Outcome(code: error.code, triesLeft: error.triesLeft)
        }
    }

    static let expected: [Flow: Outcome] = [
        .right: Outcome(), .wrong: Outcome(code: .wrongPIN, triesLeft: 2), .timeout: Outcome(code: .timeout),
        .cancel: Outcome(code: .cancelled), .blocked: Outcome(code: .pinBlocked, triesLeft: 0),
    ]

    @Test(arguments: Flow.allCases)
    func aRecordedPadFlowReplaysWithTheSameOutcome(_ flow: Flow) async throws {
        let card = SimulatedTCOSCard(profile: .trustedPath)
        if flow == .blocked {
            _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53])
            for _ in 0..<3 { _ = card.process([0x00, 0x20, 0x00, 0x81, 0x06] + Array("000000".utf8)) }
            card.reset()
        }
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: card)
        await simulated.press(Keys.parse(flow.keys))
        let redaction = { CCIDSecretRedactor(for: simulated.device, secretFiles: [TCOSSlot.backupKeyShare.payloadEF]).redactor }
        let sink = MemoryCaptureSink()
        let recorded = try await run(over: RecordingLink(wrapping: simulated, sink: sink, redactor: redaction()))
        #expect(recorded == Self.expected[flow])

        let file = UsbmonCaptureWriter().capture(sink.packets)
        let packets = try CaptureReader.readAll(file)
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device,
                                redactor: redaction())
        #expect(try await run(over: replay) == recorded)
        try await replay.expectFinished()
    }

    /// Without any redaction, the capture of a pad verify holds no PIN: the digits exist only
    /// inside the reader, and the host's Secure message carries the empty template.
    @Test func aPadVerifyCaptureHoldsNoPINDigits() async throws {
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: SimulatedTCOSCard(profile: .trustedPath))
        await simulated.press(Keys.parse("123456,ok"))
        let sink = MemoryCaptureSink()
        #expect(try await run(over: RecordingLink(wrapping: simulated, sink: sink)) == Outcome())
        let capture = UsbmonCaptureWriter().capture(sink.packets)
        let pin = Array("123456".utf8)
        let found = (0...(capture.count - pin.count)).contains { Array(capture[$0..<($0 + pin.count)]) == pin }
        #expect(!found, "the PIN reached the capture")
        #expect(sink.packets.contains { !$0.isIn && $0.data.first == 0x69 }, "no PC_to_RDR_Secure was recorded")
    }
}
