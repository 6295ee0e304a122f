/// Transmit an APDU, get a response: implemented by a CCID slot and by PC/SC, so that the
/// card layers above never know which reader path is used. Failures are told in the seam's
/// own terms (`CardChannelError`): what went wrong, whichever path it went wrong on.
public protocol CardChannel: Sendable {
    func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU
}

/// A `CardChannel` over any byte-level APDU exchange (T=1 `transceive`, a PC/SC
/// `SCardTransmit`, a simulator), given as a closure.
public struct ByteCardChannel: CardChannel {
    public let exchange: @Sendable ([UInt8]) async throws(CardChannelError) -> [UInt8]

    public init(_ exchange: @escaping @Sendable ([UInt8]) async throws(CardChannelError) -> [UInt8]) {
        self.exchange = exchange
    }

    public func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        let answer = try await exchange(command.encoded())
        do { return try ResponseAPDU(parsing: answer) } catch { throw CardChannelError(error) }
    }
}
