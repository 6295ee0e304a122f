/// The card side of a vpcd connection: what pcscd's vpcd driver asks a card to do.
public protocol VirtualCard: Sendable {
    /// The answer to reset, sent for every ATR request (vpcd asks for it to poll presence).
    var atr: [UInt8] { get async }
    func powerOn() async
    func powerOff() async
    func reset() async
    /// One command APDU in, the response APDU (data and SW1 SW2) out.
    func transmit(_ apdu: [UInt8]) async -> [UInt8]
}
