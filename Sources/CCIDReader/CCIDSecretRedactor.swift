import CCID
import Synchronization
import USBLink

/// Keeps secrets out of recordings of a CCID conversation: the data of commands that carry
/// PINs or secret payloads (VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, UPDATE
/// BINARY/RECORD, PUT DATA) and the data of answers that can (READ BINARY/RECORD, GET DATA,
/// and the GET RESPONSE that continues them). Headers, lengths and status words stay, so a
/// redacted capture still decodes and replays as a protocol flow.
///
/// It follows the conversation as it goes: APDUs at the short and extended APDU levels and
/// in T=0 TPDUs directly, chained XfrBlocks (wLevelParameter), and T=1 I-blocks (chaining by
/// the M bit) at the TPDU level; which protocol a slot speaks it learns from SetParameters
/// and from the ATR. Redacted bytes read FF.
public final class CCIDSecretRedactor: Sendable {
    static let secretCommands: Set<UInt8> = [0x20, 0x21, 0x24, 0x2C, 0xD6, 0xD7, 0xDC, 0xDD, 0xE2, 0xDA, 0xDB]
    static let secretAnswers: Set<UInt8> = [0xB0, 0xB1, 0xB2, 0xB3, 0xCA, 0xCB]
    static let getResponse: UInt8 = 0xC0

    private struct Slot {
        var usesT1 = false
        /// The command being sent in pieces is secret: redact its continuation blocks.
        var commandChainSecret = false
        /// The answer under way is secret: redact it until its last piece.
        var answerSecret = false
        var lastAnswerSecret = false
        var awaitingATR = false
        /// The file selected last is one whose contents are secret.
        var secretFileSelected = false
    }

    private let slots = Mutex<[UInt8: Slot]>([:])
    private let secretFiles: Set<UInt16>?
    private let tpdu: Bool

    /// - Parameters:
    ///   - exchangeLevel: the reader's (its class descriptor says): only at the TPDU level do
    ///     XfrBlocks carry T=1 blocks rather than APDUs.
    ///   - secretFiles: the file identifiers whose READ answers are secret (the card layer
    ///     knows them: TCOS slot payloads). nil redacts every READ answer.
    public init(exchangeLevel: CCIDExchangeLevel, secretFiles: Set<UInt16>? = nil) {
        self.secretFiles = secretFiles
        tpdu = exchangeLevel == .tpdu
    }

    /// For a reader whose class descriptor the link carries.
    public convenience init(for device: USBDeviceInfo, secretFiles: Set<UInt16>? = nil) {
        let level = (try? CCIDClassDescriptor(parsing: device.classDescriptor))?.exchangeLevel ?? .tpdu
        self.init(exchangeLevel: level, secretFiles: secretFiles)
    }

    public var redactor: Redactor {
        Redactor { [self] endpoint, data in
            endpoint & 0x80 == 0 ? self.outgoing(data) : self.incoming(data)
        }
    }

    // MARK: - Host to reader

    private func outgoing(_ message: [UInt8]) -> [UInt8] {
        guard message.count >= 10 else { return message }
        let slotIndex = message[5]
        return slots.withLock { slots in
            var slot = slots[slotIndex, default: Slot()]
            defer { slots[slotIndex] = slot }
            var out = message
            switch message[0] {
            case 0x62:   // IccPowerOn: the answer is the ATR
                slot.awaitingATR = true
            case 0x61:   // SetParameters: bProtocolNum
                slot.usesT1 = tpdu && message[7] == 1
            case 0x6F where message.count > 10:
                if slot.usesT1 {
                    redactT1Command(&out, &slot)
                } else {
                    redactAPDUCommand(&out, &slot, levelParameter: UInt16(message[8]) | UInt16(message[9]) << 8)
                }
            default:
                break
            }
            return out
        }
    }

    private func redactAPDUCommand(_ out: inout [UInt8], _ slot: inout Slot, levelParameter: UInt16) {
        let continues = levelParameter == 0x02 || levelParameter == 0x03
        if continues {
            if slot.commandChainSecret { blank(&out, from: 10, to: out.count) }
            if levelParameter == 0x02 { slot.commandChainSecret = false }
            return
        }
        guard out.count >= 14 else { return }
        let ins = out[11]
        startCommand(ins: ins, p1: out[12], data: out.count > 15 ? out[15...] : [], &slot)
        if slot.commandChainSecret { blank(&out, from: 15, to: out.count) }   // keep CLA INS P1 P2 and Lc
        if levelParameter == 0x00 { slot.commandChainSecret = false }
    }

    private func redactT1Command(_ out: inout [UInt8], _ slot: inout Slot) {
        // NAD PCB LEN INF... EDC: only I-blocks carry APDU bytes.
        let pcb = out[11]
        guard pcb & 0x80 == 0, out.count >= 13 else { return }
        let length = Int(out[12])
        let infEnd = min(out.count, 13 + length)
        let more = pcb & 0x20 != 0
        if slot.commandChainSecret {
            blank(&out, from: 13, to: infEnd)
        } else if infEnd - 13 >= 4 {
            startCommand(ins: out[14], p1: out[15], data: infEnd > 18 ? out[18..<infEnd] : [], &slot)
            if slot.commandChainSecret { blank(&out, from: 18, to: infEnd) }
        }
        if !more { slot.commandChainSecret = false }
    }

    private func startCommand(ins: UInt8, p1: UInt8, data: ArraySlice<UInt8>, _ slot: inout Slot) {
        if ins == 0xA4 {
            // SELECT by file id or path: the file is the last two bytes of the data.
            let fid = data.count >= 2 ? UInt16(data[data.endIndex - 2]) << 8 | UInt16(data[data.endIndex - 1]) : 0
            slot.secretFileSelected = secretFiles?.contains(fid) ?? true
        }
        slot.commandChainSecret = CCIDSecretRedactor.secretCommands.contains(ins)
        let continuesSecretAnswer = ins == CCIDSecretRedactor.getResponse && slot.lastAnswerSecret
        // READ BINARY with a short file identifier in P1 names its file itself: unknown, so secret.
        let readsSecretFile = secretFiles == nil || slot.secretFileSelected || (ins == 0xB0 && p1 & 0x80 != 0)
        slot.answerSecret = (CCIDSecretRedactor.secretAnswers.contains(ins) && readsSecretFile) || continuesSecretAnswer
    }

    // MARK: - Reader to host

    private func incoming(_ message: [UInt8]) -> [UInt8] {
        guard message.count >= 10, message[0] == 0x80 else { return message }
        let slotIndex = message[5]
        return slots.withLock { slots in
            var slot = slots[slotIndex, default: Slot()]
            defer { slots[slotIndex] = slot }
            if slot.awaitingATR {
                slot.awaitingATR = false
                slot.usesT1 = tpdu && CCIDSecretRedactor.firstProtocolIsT1(atr: Array(message[10...]))
                return message
            }
            guard slot.answerSecret, message.count > 10 else { return message }
            var out = message
            if slot.usesT1 {
                let pcb = out.count > 11 ? out[11] : 0
                guard pcb & 0x80 == 0, out.count >= 13 else { return out }   // R- and S-blocks carry no data
                let infEnd = min(out.count, 13 + Int(out[12]))
                let last = pcb & 0x20 == 0
                blank(&out, from: 13, to: last ? max(13, infEnd - 2) : infEnd)
                if last { finishAnswer(&slot, out: out, statusAt: infEnd - 2) }
            } else {
                let chain = out[9]
                let last = chain == 0x00 || chain == 0x02
                blank(&out, from: 10, to: last ? max(10, out.count - 2) : out.count)
                if last { finishAnswer(&slot, out: out, statusAt: out.count - 2) }
            }
            return out
        }
    }

    /// Remembers whether more of this answer will follow through GET RESPONSE (61xx).
    private func finishAnswer(_ slot: inout Slot, out: [UInt8], statusAt index: Int) {
        slot.lastAnswerSecret = index >= 0 && index < out.count && out[index] == 0x61
        slot.answerSecret = false
    }

    private func blank(_ bytes: inout [UInt8], from start: Int, to end: Int) {
        guard start < end else { return }
        for i in start..<min(end, bytes.count) { bytes[i] = Redactor.filler }
    }

    /// Whether the ATR's first offered protocol is T=1 (TD1's low nibble), as readers that
    /// settle parameters themselves would use it.
    static func firstProtocolIsT1(atr: [UInt8]) -> Bool {
        guard atr.count >= 2, atr[1] & 0x80 != 0 else { return false }
        let y1 = atr[1] >> 4
        let index = 2 + (y1 & 1 == 0 ? 0 : 1) + (y1 & 2 == 0 ? 0 : 1) + (y1 & 4 == 0 ? 0 : 1)
        return index < atr.count && atr[index] & 0x0F == 1
    }
}
