import CCIDReader
import PINPad
import Simulator
import TCOS
import Testing
import Transcript
import USBLink

/// Each pad flow, PIN verify and PIN change, recorded as a usbmon capture against the
/// simulated cyberJack, then replayed strictly through a fresh PINPadReader stack with the
/// same outcome: the recordings are fixtures as good as captures of the real reader.
@Suite struct PadRecordReplayTests {
    enum Flow: String, CaseIterable, Sendable {
        case right, wrong, timeout, cancel, blocked
    }

    enum Operation: String, CaseIterable, Sendable {
        case verify, modify

        /// What the person types: for a change, the current PIN then the new one twice.
        func keys(_ flow: Flow) -> String {
            switch (self, flow) {
            case (.verify, .right), (.verify, .blocked): "123456,ok"
            case (.verify, .wrong): "654321,ok"
            case (.modify, .right), (.modify, .blocked): "123456,ok,11223344,ok,11223344,ok"
            case (.modify, .wrong): "654321,ok,11223344,ok,11223344,ok"
            case (_, .timeout): "1,timeout"
            case (.verify, .cancel): "cancel"
            case (.modify, .cancel): "123456,ok,1122,cancel"
            }
        }
    }

    struct Outcome: Equatable {
        var code: PINPadError.Code?
        var triesLeft: Int?
    }

    private func run(_ operation: Operation = .verify, over link: any USBLink) async throws -> Outcome {
        let pad = try PINPadReader(reader: try CCIDReader(link: link))
        do {
            switch operation {
            case .verify: try await pad.verifyOnPad(slot: .backupKeyShare)
            case .modify: try await pad.changePINOnPad(slot: .backupKeyShare)
            }
            return Outcome()
        } catch {
            return Outcome(code: error.code, triesLeft: error.triesLeft)
        }
    }

    static let expected: [Flow: Outcome] = [
        .right: Outcome(), .wrong: Outcome(code: .wrongPIN, triesLeft: 2), .timeout: Outcome(code: .timeout),
        .cancel: Outcome(code: .cancelled), .blocked: Outcome(code: .pinBlocked, triesLeft: 0),
    ]

    @Test(arguments: Operation.allCases, Flow.allCases)
    func aRecordedPadFlowReplaysWithTheSameOutcome(_ operation: Operation, _ flow: Flow) async throws {
        let card = SimulatedTCOSCard(profile: .trustedPath)
        if flow == .blocked {
            _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53])
            for _ in 0..<3 { _ = card.process([0x00, 0x20, 0x00, 0x81, 0x06] + Array("000000".utf8)) }
            card.reset()
        }
        let simulated = SimulatedCCIDReader(profile: .cyberJackEcom)
        await simulated.insert(card: card)
        await simulated.press(Keys.parse(operation.keys(flow)))
        let redaction = { CCIDSecretRedactor(for: simulated.device, secretFiles: [TCOSSlot.backupKeyShare.payloadEF]).redactor }
        let sink = MemoryCaptureSink()
        let recorded = try await run(operation, over: RecordingLink(wrapping: simulated, sink: sink, redactor: redaction()))
        #expect(recorded == Self.expected[flow])
        if operation == .modify {
            // The card's own state says whether the PIN changed: only the right flow leaves
            // the new PIN in place; the others leave the counter where the flow put it.
            _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53])
            let newPIN = card.process([0x00, 0x20, 0x00, 0x81, 0x08] + Array("11223344".utf8))
            let counter: [UInt8] = switch flow {
            case .right: [0x90, 0x00]
            case .wrong: [0x63, 0xC1]           // one try spent by the flow, one by the probe
            case .timeout, .cancel: [0x63, 0xC2]
            case .blocked: [0x69, 0x83]
            }
            #expect(newPIN == counter, "\(flow): \(newPIN)")
        }

        let file = UsbmonCaptureWriter().capture(sink.packets)
        let packets = try CaptureReader.readAll(file)
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: simulated.device,
                                redactor: redaction())
        #expect(try await run(operation, over: replay) == recorded)
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
