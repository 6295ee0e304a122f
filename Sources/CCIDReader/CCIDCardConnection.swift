import APDU
import CCID

/// A powered card in one slot with its protocol settled: what `CCIDReader.connect` returns.
/// `channel` is all the card layers above need; they never see CCID.
public struct CCIDCardConnection: Sendable {
    public let slot: UInt8
    public let atr: ATR
    /// 0 or 1.
    public let protocolNumber: Int
    /// What SetParameters set, or nil when the reader negotiates parameters itself.
    public let parameters: CCIDProtocolData?
    /// The exchange level the channel works at.
    public let exchangeLevel: CCIDExchangeLevel
    public let channel: any CardChannel
}
