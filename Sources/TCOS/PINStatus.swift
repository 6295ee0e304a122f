/// What a PIN's retry counter says, from VERIFY with or without data.
public enum PINStatus: Sendable, Hashable {
    /// 9000: the PIN is verified in this session.
    case verified
    /// 63Cx: not verified (or just failed), x tries left.
    case notVerified(triesLeft: Int)
    /// 6983 (or 63C0): blocked until reset with the PUK.
    case blocked

    public var triesLeft: Int? {
        switch self {
        case .verified: return nil
        case .notVerified(let n): return n
        case .blocked: return 0
        }
    }
}

/// Which files the TCOS list command (80 AA) lists: P1 01 DFs, P1 02 EFs, as card-tcos.c's
/// `tcos_list_files` asks for them one after the other.
public enum TCOSFileKind: UInt8, Sendable, Hashable {
    case directories = 0x01
    case elementaryFiles = 0x02
}
