/// Transmission protocols a card offers (ISO 7816-3).
public struct CardProtocols: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let t0 = CardProtocols(rawValue: 1)
    public static let t1 = CardProtocols(rawValue: 2)

    func contains(protocolNumber: UInt8) -> Bool {
        protocolNumber < 2 && rawValue & (1 << protocolNumber) != 0
    }
}

/// Voltage classes a card answers at, coded like the descriptor's bVoltageSupport
/// (bit 0 5V, bit 1 3V, bit 2 1.8V), so a card that is mute at 5V tests voltage fallback.
public struct CardVoltages: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let v5 = CardVoltages(rawValue: 1)
    public static let v3 = CardVoltages(rawValue: 2)
    public static let v1_8 = CardVoltages(rawValue: 4)
    public static let all: CardVoltages = [.v5, .v3, .v1_8]
}

/// The card behind a simulated slot: an ATR and an APDU processor. Protocol framing (T=0
/// procedure bytes and GET RESPONSE, T=1 blocks) belongs to the card-side engines, so a
/// card type only answers whole APDUs and any card (memory card now, TCOS later) plugs in.
///
/// Cards are values: the reader owns the inserted copy and mutates it; `card(in:)` on the
/// reader returns its current state.
public protocol SimulatedCard: Sendable {
    var atr: [UInt8] { get }
    var protocols: CardProtocols { get }
    /// Classes at which the card answers the reset; at others it stays mute.
    var voltages: CardVoltages { get }
    /// CCID time extensions (bStatus 0x80) the reader reports before each answer.
    var timeExtensions: Int { get }
    /// S(WTX) requests the card's T=1 engine sends before each answer.
    var wtxRequests: Int { get }
    /// A cold or warm reset: volatile state (security status, selection) is lost.
    mutating func reset()
    /// One command APDU in, the response APDU (data and SW1 SW2) out.
    mutating func process(apdu: [UInt8]) -> [UInt8]
}

extension SimulatedCard {
    public var voltages: CardVoltages { .all }
    public var timeExtensions: Int { 0 }
    public var wtxRequests: Int { 0 }
}
