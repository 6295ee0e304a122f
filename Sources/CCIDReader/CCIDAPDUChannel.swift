import APDU
import CCID

/// A `CardChannel` straight onto a short or extended APDU-level reader: the APDU goes in
/// XfrBlock as is. Commands longer than one message are chained with wLevelParameter, and
/// chained answers (bChainParameter 01/03) are fetched with empty XfrBlocks (wLevelParameter
/// 0x10), as CCID 1.1 §6.1.4 describes.
public struct CCIDAPDUChannel: CardChannel {
    public let reader: CCIDReader
    public let slot: UInt8
    public let extended: Bool

    public init(reader: CCIDReader, slot: UInt8, extended: Bool) {
        self.reader = reader
        self.slot = slot
        self.extended = extended
    }

    public func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        let answer: [UInt8]
        do { answer = try await transceive(command.encoded()) } catch { throw error.channelError }
        do { return try ResponseAPDU(parsing: answer) } catch { throw CardChannelError(error) }
    }

    /// Bound on a chained response (extended Ne plus SW).
    static let maxResponseLength = 65_538

    public func transceive(_ apdu: [UInt8]) async throws(CCIDReaderError) -> [UInt8] {
        let room = reader.maxMessageLength - 10
        var answer: (data: [UInt8], chain: UInt8)
        if apdu.count <= room {
            answer = try await reader.xfrBlock(slot: slot, apdu)
        } else {
            guard extended else {
                throw CCIDReaderError(.unsupported, "APDU of \(apdu.count) bytes over a short-APDU reader's \(room)")
            }
            var start = 0
            answer = ([], 0)
            while start < apdu.count {
                let end = min(start + room, apdu.count)
                let level: UInt16 = start == 0 ? 0x01 : (end == apdu.count ? 0x02 : 0x03)
                answer = try await reader.xfrBlock(slot: slot, Array(apdu[start..<end]), levelParameter: level)
                if end < apdu.count, answer.chain != 0x10 {
                    throw CCIDReaderError(.protocolError, "reader answered bChainParameter 0x\(String(answer.chain, radix: 16)) "
                                          + "in the middle of a command chain, expected 0x10")
                }
                start = end
            }
        }
        guard answer.chain == 0x01 else {
            guard answer.chain == 0x00 || answer.chain == 0x02 else {
                throw CCIDReaderError(.protocolError, "unexpected bChainParameter 0x\(String(answer.chain, radix: 16))")
            }
            return answer.data
        }
        var response = answer.data
        while answer.chain == 0x01 || answer.chain == 0x03 {
            answer = try await reader.xfrBlock(slot: slot, [], levelParameter: 0x10)
            response.append(contentsOf: answer.data)
            guard response.count <= Self.maxResponseLength else {
                throw CCIDReaderError(.protocolError, "chained response over \(Self.maxResponseLength) bytes")
            }
        }
        guard answer.chain == 0x02 else {
            throw CCIDReaderError(.protocolError, "response chain ended with bChainParameter 0x\(String(answer.chain, radix: 16))")
        }
        return response
    }
}
