/// The colour of a PED key: the PED refuses a key whose colour does not match the role it
/// asked for, so an operator cannot log in as SO with a crypto officer's key.
public enum PEDKeyColour: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case blue = 1, red, orange, white, black, gray

    public var description: String {
        switch self {
        case .blue: "blue"
        case .red: "red"
        case .orange: "orange"
        case .white: "white"
        case .black: "black"
        case .gray: "gray"
        }
    }
}

/// A role the HSM authenticates with a PED key. The wire code is the raw value.
public enum PEDRole: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hsmSO = 1
    case partitionSO
    case cloningDomain
    case remotePEDVector
    case auditor
    case cryptoOfficer
    case cryptoUser
    case limitedCryptoOfficer

    public var colour: PEDKeyColour {
        switch self {
        case .hsmSO, .partitionSO: .blue
        case .cloningDomain: .red
        case .remotePEDVector: .orange
        case .auditor: .white
        case .cryptoOfficer: .black
        case .cryptoUser, .limitedCryptoOfficer: .gray
        }
    }

    /// The short name the CLI takes (`--role so`).
    public var name: String {
        switch self {
        case .hsmSO: "so"
        case .partitionSO: "partition-so"
        case .cloningDomain: "domain"
        case .remotePEDVector: "rpv"
        case .auditor: "auditor"
        case .cryptoOfficer: "co"
        case .cryptoUser: "cu"
        case .limitedCryptoOfficer: "lco"
        }
    }

    public init?(name: String) {
        guard let role = PEDRole.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = role
    }

    public var description: String {
        switch self {
        case .hsmSO: "HSM SO"
        case .partitionSO: "partition SO"
        case .cloningDomain: "cloning domain"
        case .remotePEDVector: "remote PED vector"
        case .auditor: "auditor"
        case .cryptoOfficer: "crypto officer"
        case .cryptoUser: "crypto user"
        case .limitedCryptoOfficer: "limited crypto officer"
        }
    }
}
