import PEDProtocol
import TrustedPathCore

/// A PED key in the simulated drawer: a serial, a colour once written, and one secret (a
/// split of the role's secret) behind a PED PIN. Blank until a write.
public struct SimulatedPEDKey: Sendable {
    public let id: PEDKeyID
    public var label: String
    public internal(set) var colour: PEDKeyColour?
    var secret: SecretBytes?
    var pin: SecretBytes?
    public internal(set) var setID: PEDKeyID?
    public internal(set) var shareIndex: UInt8 = 0
    public internal(set) var policy: MofN?
    /// Whether the key carries the parts HSM firmware 7.7.0 added to orange keys.
    public internal(set) var hasOrange770Parts = false

    public init(id: PEDKeyID, label: String = "") {
        self.id = id
        self.label = label
    }

    public var isBlank: Bool { secret == nil }

    func pinMatches(_ digits: [UInt8]) -> Bool {
        guard let pin else { return false }
        return pin.constantTimeEquals(SecretBytes(digits))
    }
}
