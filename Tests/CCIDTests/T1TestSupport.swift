import CCID
import TrustedPathCore

/// Builds a T=1 block independently of the code under test: bitwise CRC, plain XOR.
func t1(_ pcb: UInt8, _ inf: [UInt8] = [], _ edc: T1EDC, nad: UInt8 = 0) -> [UInt8] {
    var out: [UInt8] = [nad, pcb, UInt8(inf.count)] + inf
    switch edc {
    case .lrc:
        out.append(out.reduce(0, ^))
    case .crc:
        var crc: UInt16 = 0xFFFF
        for byte in out {
            crc ^= UInt16(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0x8408 : crc >> 1 }
        }
        out += [UInt8(crc >> 8), UInt8(crc & 0xFF)]
    }
    return out
}

/// A fake card that checks every block the host sends, byte for byte, against a script and
/// answers with the scripted block (or a BWT timeout when the reply is nil).
actor ScriptedCard: TPDUTransport {
    struct Step: Sendable {
        var expect: [UInt8]
        var reply: [UInt8]?
        var wait: UInt8 = 0
    }

    struct OffScript: Error {}

    private var steps: [Step]
    private var index = 0
    private(set) var failures: [String] = []

    init(_ steps: [Step]) { self.steps = steps }

    var finished: Bool { index == steps.count }

    func transmit(_ bytes: [UInt8], waitMultiplier: UInt8) async throws -> [UInt8] {
        guard index < steps.count else {
            failures.append("unexpected block \(Hex.encode(bytes, separator: " "))")
            throw OffScript()
        }
        let step = steps[index]
        index += 1
        if bytes != step.expect {
            failures.append("step \(index): sent \(Hex.encode(bytes, separator: " ")), expected \(Hex.encode(step.expect, separator: " "))")
        }
        if waitMultiplier != step.wait {
            failures.append("step \(index): wait \(waitMultiplier), expected \(step.wait)")
        }
        guard let reply = step.reply else { throw T1Error(.timeout) }
        return reply
    }
}

/// `host` sends `expect`, card answers `reply`.
func step(_ expect: [UInt8], _ reply: [UInt8]?, wait: UInt8 = 0) -> ScriptedCard.Step {
    ScriptedCard.Step(expect: expect, reply: reply, wait: wait)
}
