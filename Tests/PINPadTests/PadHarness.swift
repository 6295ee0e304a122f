import CCIDReader
import PINPad
import Simulator
import TCOS
import Transcript
import Foundation
import Synchronization
import USBLink

/// A simulated cyberJack with a TrustedPath card, recorded as it runs, and a PINPadReader
/// over it: the stack the appliance uses, byte for byte.
struct PadHarness {
    let simulated: SimulatedCCIDReader
    let card: SimulatedTCOSCard
    let sink = MemoryCaptureSink()
    let pad: PINPadReader
    let messages = MessageLog()

    init(profile: ReaderProfile = .cyberJackEcom, card: SimulatedTCOSCard = SimulatedTCOSCard(profile: .trustedPath),
         redact: Bool = true, options: PINPadOptions = PINPadOptions()) async throws {
        simulated = SimulatedCCIDReader(profile: profile)
        self.card = card
        await simulated.insert(card: card)
        let redactor = redact ? CCIDSecretRedactor(for: simulated.device, secretFiles: Set(TCOSSlot.all.map(\.payloadEF))).redactor
            : Redactor.none
        let link = RecordingLink(wrapping: simulated, sink: sink, redactor: redactor)
        let log = messages
        pad = try PINPadReader(reader: try CCIDReader(link: link), options: options, messages: { log.append($0) })
    }

    /// The retry counter as the card itself holds it, asked straight (not through the host).
    func triesLeft(_ slot: TCOSSlot = .backupKeyShare) -> Int {
        _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02] + [UInt8(slot.dfID >> 8), UInt8(slot.dfID & 0xFF)])
        let answer = card.process([0x00, 0x20, 0x00, slot.pinReference])
        if answer == [0x69, 0x83] { return 0 }
        if answer == [0x90, 0x00] { return 3 }
        return Int(answer.last! & 0x0F)
    }

    /// The PC_to_RDR_Secure messages the host sent (bulk OUT, message type 0x69).
    var secureMessages: [[UInt8]] {
        sink.packets.filter { !$0.isIn && $0.transferType == .bulk && $0.event == .submission && $0.data.first == 0x69 }
            .map(\.data)
    }

    func press(_ text: String) async { await simulated.press(Keys.parse(text)) }
}

/// Keys written as the CLI takes them: "123456,ok".
enum Keys {
    static func parse(_ text: String) -> [KeypadKey] {
        text.split(separator: ",").flatMap { item -> [KeypadKey] in
            switch item.trimmingCharacters(in: .whitespaces) {
            case "ok": [.ok]
            case "cancel": [.cancel]
            case "clear": [.clear]
            case "timeout": [.noKeyUntilTimeout]
            case let digits: KeypadKey.digits(digits)
            }
        }
    }
}

/// What the pad layer told the operator, collected across tasks.
final class MessageLog: Sendable {
    private let storage = Mutex<[PadMessage]>([])
    func append(_ message: PadMessage) { storage.withLock { $0.append(message) } }
    var all: [PadMessage] { storage.withLock { $0 } }
}
