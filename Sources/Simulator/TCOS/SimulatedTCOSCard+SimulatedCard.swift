/// The simulated TCOS card in a simulated reader's slot: its ATR offers T=1 only (TD1 = 81),
/// and the reader's card-side engines frame the APDUs it answers.
extension SimulatedTCOSCard: SimulatedCard {
    public var protocols: CardProtocols { .t1 }

    public func process(apdu: [UInt8]) -> [UInt8] { process(apdu) }
}
