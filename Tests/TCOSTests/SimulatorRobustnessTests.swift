import Simulator
import Testing

/// The simulated card sits behind pcscd and the CCID simulator: no input may trap it.
@Suite struct SimulatorRobustnessTests {
    /// xorshift64*, so a failure replays with the same bytes.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    @Test func randomCommandsAlwaysGetAStatusWord() {
        var rng = Generator(state: 0x5443_4F53)
        let card = SimulatedTCOSCard()
        // Headers the card knows, so the random bodies reach the command handlers.
        let headers: [[UInt8]] = [[0x00, 0xA4], [0x00, 0xB0], [0x00, 0xD6], [0x00, 0xB2], [0x00, 0xDC], [0x80, 0xAA],
                                  [0x00, 0x20], [0x00, 0x24], [0x00, 0x2C], [0x00, 0x84], [0x00, 0x22]]
        for round in 0..<20_000 {
            var command: [UInt8]
            if round % 4 == 0 {
                command = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                command = headers.randomElement(using: &rng)! + [UInt8.random(in: 0...0x0C, using: &rng), UInt8.random(in: 0...0x0C, using: &rng)]
                let count = Int.random(in: 0...6, using: &rng)
                if count > 0 {
                    command.append(UInt8(count))
                    for _ in 0..<count { command.append(UInt8.random(in: 0...255, using: &rng)) }
                }
                if Bool.random(using: &rng) { command.append(UInt8.random(in: 0...255, using: &rng)) }
            }
            let answer = card.process(command)
            #expect(answer.count >= 2)
            if round % 500 == 0 { card.reset() }
        }
    }

    @Test func brokenStateFilesAreErrorsNotTraps() {
        for text in ["TRUSTEDPATH-TCOS-SIM 1\nPIN 3F00 1 3 -1 31 - 0 0\n",
                     "TRUSTEDPATH-TCOS-SIM 1\nDF 3F00 -\nPIN 3F00 1 9 3 31 - 0 1\n",
                     "TRUSTEDPATH-TCOS-SIM 1\nDF 3F00 -\nEF 3F00/2F02 T A N zz\n",
                     "TRUSTEDPATH-TCOS-SIM 1\nDF 3F00 -\nEF 3F00 T A N 00\n",
                     "TRUSTEDPATH-TCOS-SIM 1\nDF 3F00 -\nEF 3F00/2F02 T P999 N 00\n",
                     "TRUSTEDPATH-TCOS-SIM 1\n"] {
            #expect(throws: SimulatedTCOSStateError.self) { try SimulatedTCOSCard(importing: Array(text.utf8)) }
        }
    }
}
