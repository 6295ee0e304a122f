import APDU
import Simulator
import Synchronization
import TCOS
import TrustedPathCore

/// A simulated card behind a `ByteCardChannel`, with a log of the command bytes sent.
final class CardHarness: Sendable {
    let card: SimulatedTCOSCard
    private let log = Mutex<[[UInt8]]>([])

    init(_ profile: SimulatedTCOSCard.Profile = .trustedPath) { card = SimulatedTCOSCard(profile: profile) }
    init(card: SimulatedTCOSCard) { self.card = card }

    var channel: ByteCardChannel {
        ByteCardChannel { [self] bytes in
            log.withLock { $0.append(bytes) }
            return card.process(bytes)
        }
    }

    var commands: TCOSCommands { TCOSCommands(channel: channel) }
    func tcosCard(chunkSize: Int = 255) -> TCOSCard { TCOSCard(commands: commands, chunkSize: chunkSize) }

    var sent: [[UInt8]] { log.withLock { $0 } }
    func clearLog() { log.withLock { $0 = [] } }
    func sent(ins: UInt8) -> [[UInt8]] { sent.filter { $0.count > 1 && $0[1] == ins } }
}

func secret(_ text: String) -> SecretBytes { SecretBytes(Array(text.utf8)) }

/// A channel that always answers the same bytes: a card with a broken FCP.
struct FixedAnswerChannel: CardChannel {
    let answer: [UInt8]
    func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        do { return try ResponseAPDU(parsing: answer) } catch { throw CardChannelError(error) }
    }
}
