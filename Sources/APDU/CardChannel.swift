/// Transmit an APDU, get a response: implemented by a CCID slot and by PC/SC, so that the
/// card layers above never know which reader path is used.
public protocol CardChannel: Sendable {
    func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU
}

/// A `CardChannel` over any byte-level APDU exchange (T=1 `transceive`, a PC/SC
/// `SCardTransmit`, a simulator), given as a closure.
public struct ByteCardChannel: CardChannel {
    public let exchange: @Sendable ([UInt8]) async throws -> [UInt8]

    public init(_ exchange: @escaping @Sendable ([UInt8]) async throws -> [UInt8]) {
        self.exchange = exchange
    }

    public func transmit(_ command: CommandAPDU) async throws -> ResponseAPDU {
        try ResponseAPDU(parsing: await exchange(command.encoded()))
    }
}
