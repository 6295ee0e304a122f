/// abData of PC_to_RDR_Secure: bPINOperation then its data (CCID 1.1 §6.1.11).
public enum CCIDPINOperation: Hashable, Sendable {
    case verify(CCIDPINVerify)
    case modify(CCIDPINModify)
    /// Operations 2-6 (transfer PIN from cache, wait ICC response, cancel, re-send I-block,
    /// send next APDU part) carry no structure this module interprets.
    case other(operation: UInt8, data: [UInt8])

    public var operation: UInt8 {
        switch self {
        case .verify: 0
        case .modify: 1
        case .other(let operation, _): operation
        }
    }

    /// `base` is the offset of bPINOperation in the whole message.
    public init(parsing bytes: [UInt8], base: Int = 0) throws(CCIDError) {
        guard let operation = bytes.first else {
            throw CCIDError(.truncated, field: "bPINOperation", offset: base, "PC_to_RDR_Secure without bPINOperation")
        }
        let rest = Array(bytes.dropFirst())
        switch operation {
        case 0: self = .verify(try CCIDPINVerify(parsing: rest, base: base + 1))
        case 1: self = .modify(try CCIDPINModify(parsing: rest, base: base + 1))
        default: self = .other(operation: operation, data: rest)
        }
    }

    public func encode() -> [UInt8] {
        switch self {
        case .verify(let v): [0] + v.encode()
        case .modify(let m): [1] + m.encode()
        case .other(let operation, let data): [operation] + data
        }
    }
}

extension CCIDPINOperation {
    /// The APDU template of a verify or modify (the reader inserts the PIN into it).
    public var templateAPDU: [UInt8]? {
        switch self {
        case .verify(let v): v.apdu
        case .modify(let m): m.apdu
        case .other: nil
        }
    }

    /// The same operation with `prologue` as its bTeoPrologue: the T=1 NAD, PCB and LEN a
    /// TPDU-level reader must frame the APDU with. Other operations carry no prologue.
    public func withTeoPrologue(_ prologue: [UInt8]) -> CCIDPINOperation {
        switch self {
        case .verify(var v):
            v.bTeoPrologue = prologue
            return .verify(v)
        case .modify(var m):
            m.bTeoPrologue = prologue
            return .modify(m)
        case .other:
            return self
        }
    }
}
