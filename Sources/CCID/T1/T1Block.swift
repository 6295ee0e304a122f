import TrustedPathCore

/// One T=1 block (ISO 7816-3 §11.3): prologue NAD PCB LEN, INF of 0...254 bytes, epilogue EDC.
public struct T1Block: Sendable, Hashable {
    /// Error indication of an R-block (PCB b4..b1).
    public enum RError: UInt8, Sendable, Hashable {
        case none = 0
        case edc = 1
        case other = 2
    }

    /// S-block function (PCB b5..b1). VPP error (4) is obsolete since the 2006 edition.
    public enum SType: UInt8, Sendable, Hashable {
        case resynch = 0
        case ifs = 1
        case abort = 2
        case wtx = 3
    }

    public enum Kind: Sendable, Hashable {
        /// I-block: N(S) is 0 or 1; `more` is the chaining bit M.
        case information(sequence: UInt8, more: Bool)
        /// R-block: N(R) is the sequence number of the I-block the sender expects next.
        case receiveReady(sequence: UInt8, error: RError)
        /// S-block request or response.
        case supervisory(SType, response: Bool)
    }

    public var nad: UInt8
    public var kind: Kind
    public var inf: [UInt8]

    public static let maxINF = 254

    public init(nad: UInt8 = 0, kind: Kind, inf: [UInt8] = []) {
        self.nad = nad
        self.kind = kind
        self.inf = inf
    }

    /// The PCB byte for `kind`.
    public static func pcb(_ kind: Kind) -> UInt8 {
        switch kind {
        case let .information(sequence, more):
            return (sequence & 1) << 6 | (more ? 0x20 : 0)
        case let .receiveReady(sequence, error):
            return 0x80 | (sequence & 1) << 4 | error.rawValue
        case let .supervisory(type, response):
            return 0xC0 | (response ? 0x20 : 0) | type.rawValue
        }
    }

    /// Decodes a PCB; nil for RFU codings, which the receiver must treat as an invalid block.
    public static func kind(pcb: UInt8) -> Kind? {
        switch pcb & 0xC0 {
        case 0x00, 0x40:
            guard pcb & 0x1F == 0 else { return nil }
            return .information(sequence: pcb >> 6 & 1, more: pcb & 0x20 != 0)
        case 0x80:
            guard pcb & 0x20 == 0, let error = RError(rawValue: pcb & 0x0F) else { return nil }
            return .receiveReady(sequence: pcb >> 4 & 1, error: error)
        default:
            guard let type = SType(rawValue: pcb & 0x1F) else { return nil }
            return .supervisory(type, response: pcb & 0x20 != 0)
        }
    }

    /// Parses a whole block as received from the reader. Never traps; the error code tells
    /// the engine which R-block to answer (`badEDC` → EDC error, the rest → other error).
    public init(parsing bytes: [UInt8], edc: T1EDC) throws(T1Error) {
        let overhead = 3 + edc.count
        guard bytes.count >= overhead else {
            throw T1Error(.truncated, "\(bytes.count) byte(s), at least \(overhead) needed")
        }
        let len = Int(bytes[2])
        guard len != 255 else { throw T1Error(.reservedLength, "LEN at offset 2") }
        guard bytes.count == overhead + len else {
            throw T1Error(.lengthMismatch, "LEN \(len) at offset 2, \(bytes.count - overhead) INF byte(s) received")
        }
        let body = bytes[0..<(3 + len)]
        switch edc {
        case .lrc:
            guard T1EDC.lrc(body) == bytes[3 + len] else {
                throw T1Error(.badEDC, "LRC at offset \(3 + len)")
            }
        case .crc:
            let value = T1EDC.crc(body)
            guard UInt8(truncatingIfNeeded: value >> 8) == bytes[3 + len],
                  UInt8(truncatingIfNeeded: value) == bytes[4 + len] else {
                throw T1Error(.badEDC, "CRC at offset \(3 + len)")
            }
        }
        guard let kind = T1Block.kind(pcb: bytes[1]) else {
            throw T1Error(.invalidBlock, "PCB \(Hex.encode([bytes[1]])) at offset 1")
        }
        // R-blocks never carry INF; S-blocks carry exactly what their type defines.
        switch kind {
        case .information:
            break
        case .receiveReady:
            guard len == 0 else { throw T1Error(.invalidBlock, "R-block with LEN \(len)") }
        case let .supervisory(type, _):
            switch type {
            case .resynch, .abort:
                guard len == 0 else { throw T1Error(.invalidBlock, "S-block with LEN \(len)") }
            case .ifs:
                guard len == 1, bytes[3] >= 1, bytes[3] <= 254 else {
                    throw T1Error(.invalidBlock, "S(IFS) INF must be one byte 01...FE")
                }
            case .wtx:
                guard len == 1 else { throw T1Error(.invalidBlock, "S(WTX) INF must be one byte") }
            }
        }
        self.nad = bytes[0]
        self.kind = kind
        self.inf = Array(bytes[3..<(3 + len)])
    }

    /// The block on the wire, EDC included.
    public func encoded(edc: T1EDC) -> [UInt8] {
        T1Block.encode(nad: nad, pcb: T1Block.pcb(kind), inf: inf[...], edc: edc)
    }

    /// One allocation, sized up front: this is the hot path of every APDU.
    @inlinable
    public static func encode(nad: UInt8, pcb: UInt8, inf: ArraySlice<UInt8>, edc: T1EDC) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(3 + inf.count + edc.count)
        out.append(nad)
        out.append(pcb)
        out.append(UInt8(truncatingIfNeeded: inf.count))
        out.append(contentsOf: inf)
        edc.append(to: &out)
        return out
    }
}
