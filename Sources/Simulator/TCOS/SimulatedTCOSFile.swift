/// A file of the simulated card. Files live in a flat table keyed by their full path from
/// the MF (3F00 first), so the card state is a plain value that exports and compares easily.
struct SimulatedTCOSFile: Sendable, Hashable {
    enum Body: Sendable, Hashable {
        /// Children in creation order: the order 80 AA lists them.
        case directory(name: [UInt8]?, children: [UInt16])
        /// Fixed size, as on a real card: UPDATE BINARY never grows a file.
        case transparent([UInt8])
        case records([[UInt8]])
    }

    /// Who may read or write: the number of a PIN (reference & 7F) found in the file's DF or
    /// the nearest DF above it that defines that PIN.
    enum Access: Sendable, Hashable {
        case always
        case never
        case pin(UInt8)
    }

    var body: Body
    var read: Access = .always
    var write: Access = .never

    var isDirectory: Bool { if case .directory = body { return true } else { return false } }
}

/// A PIN and its retry counter, with an optional PUK for RESET RETRY COUNTER.
struct SimulatedTCOSPIN: Sendable, Hashable {
    var value: [UInt8]
    var triesLeft: Int
    var maxTries: Int = 3
    var puk: [UInt8]?
    var pukTriesLeft: Int = 10
    var pukMaxTries: Int = 10

    init(_ value: [UInt8], maxTries: Int = 3, puk: [UInt8]? = nil) {
        self.value = value
        self.triesLeft = maxTries
        self.maxTries = maxTries
        self.puk = puk
    }
}

/// A PIN is named by the DF that defines it and its number (the reference without bit 80).
struct SimulatedTCOSPINKey: Sendable, Hashable {
    var df: [UInt16]
    var number: UInt8
}

/// A FID as it travels in APDUs: two bytes, high first.
func fidBytes(_ id: UInt16) -> [UInt8] { [UInt8(id >> 8), UInt8(id & 0xFF)] }
