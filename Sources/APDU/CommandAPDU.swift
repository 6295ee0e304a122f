import TrustedPathCore

/// A command APDU (ISO 7816-4 §5.1; length encodings from ISO 7816-3 §12.1.3).
///
/// Nc is `data.count` (0...65535), Ne is `ne` (nil: no Le field; 1...65536). Short form holds
/// Nc ≤ 255 and Ne ≤ 256; anything larger, or `extended: true`, uses extended form.
public struct CommandAPDU: Sendable, Hashable {
    /// The four cases of ISO 7816-3 §12.1.2 (no data / Le only / data only / data and Le).
    public enum Case: Int, Sendable, Hashable {
        case case1 = 1, case2, case3, case4
    }

    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    public private(set) var data: [UInt8]
    public private(set) var ne: Int?
    public private(set) var isExtended: Bool

    public static let maxShortNc = 255
    public static let maxShortNe = 256
    public static let maxNc = 65_535
    public static let maxNe = 65_536

    /// - Parameter extended: force extended form even when the lengths fit short form.
    public init(cla: UInt8, ins: UInt8, p1: UInt8, p2: UInt8, data: [UInt8] = [], ne: Int? = nil,
                extended: Bool = false) throws(APDUError) {
        guard data.count <= CommandAPDU.maxNc else {
            throw APDUError(.invalidLength, field: "data", "\(data.count) bytes, at most 65535")
        }
        if let ne, ne < 1 || ne > CommandAPDU.maxNe {
            throw APDUError(.invalidLength, field: "Ne", "\(ne), must be 1...65536 or absent")
        }
        self.cla = cla
        self.ins = ins
        self.p1 = p1
        self.p2 = p2
        self.data = data
        self.ne = ne
        // Case 1 has no length field, so it has no extended form.
        self.isExtended = (extended && !(data.isEmpty && ne == nil)) || data.count > CommandAPDU.maxShortNc || (ne ?? 0) > CommandAPDU.maxShortNe
    }

    public var apduCase: Case {
        switch (data.isEmpty, ne == nil) {
        case (true, true): return .case1
        case (true, false): return .case2
        case (false, true): return .case3
        case (false, false): return .case4
        }
    }

    public var encodedCount: Int {
        var count = 4 + data.count
        if !data.isEmpty { count += isExtended ? 3 : 1 }
        if ne != nil { count += isExtended ? (data.isEmpty ? 3 : 2) : 1 }
        return count
    }

    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(encodedCount)
        out.append(cla)
        out.append(ins)
        out.append(p1)
        out.append(p2)
        if !data.isEmpty {
            if isExtended {
                out.append(0)
                out.appendBE16(UInt16(data.count))
            } else {
                out.append(UInt8(data.count))
            }
            out.append(contentsOf: data)
        }
        if let ne {
            // Ne 256 is Le 00 in short form, 65536 is Le 0000 in extended form.
            if isExtended {
                if data.isEmpty { out.append(0) }
                out.appendBE16(UInt16(truncatingIfNeeded: ne))
            } else {
                out.append(UInt8(truncatingIfNeeded: ne))
            }
        }
        return out
    }

    /// Classifies the case from the body length and the first body byte (ISO 7816-3 §12.1.3)
    /// and rejects every length that fits none of the seven encodings.
    public init(parsing bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 4 else {
            throw APDUError(.truncated, field: "header", offset: 0, "\(bytes.count) byte(s), 4 needed")
        }
        cla = bytes[0]
        ins = bytes[1]
        p1 = bytes[2]
        p2 = bytes[3]
        let body = bytes.count - 4
        data = []
        ne = nil
        isExtended = false
        if body == 0 { return }                       // case 1
        let b1 = Int(bytes[4])
        if body == 1 {                                // case 2S
            ne = b1 == 0 ? 256 : b1
            return
        }
        if b1 != 0 {                                  // case 3S or 4S: B1 is Lc
            if body == 1 + b1 {
                data = Array(bytes[5..<(5 + b1)])
            } else if body == 2 + b1 {
                data = Array(bytes[5..<(5 + b1)])
                let le = Int(bytes[5 + b1])
                ne = le == 0 ? 256 : le
            } else {
                throw APDUError(.lengthMismatch, field: "Lc", offset: 4,
                                "Lc \(b1) with \(body - 1) byte(s) after it; expected \(b1) or \(b1 + 1)")
            }
            return
        }
        isExtended = true
        guard body >= 3 else {
            throw APDUError(.truncated, field: "extended length", offset: 5, "needs 2 bytes after 00")
        }
        let value = Int(bytes[5]) << 8 | Int(bytes[6])
        if body == 3 {                                // case 2E
            ne = value == 0 ? 65_536 : value
            return
        }
        guard value != 0 else {
            throw APDUError(.invalidLength, field: "Lc", offset: 4, "extended Lc 0000 followed by \(body - 3) byte(s)")
        }
        if body == 3 + value {                        // case 3E
            data = Array(bytes[7..<(7 + value)])
        } else if body == 5 + value {                 // case 4E
            data = Array(bytes[7..<(7 + value)])
            let le = Int(bytes[7 + value]) << 8 | Int(bytes[8 + value])
            ne = le == 0 ? 65_536 : le
        } else {
            throw APDUError(.lengthMismatch, field: "Lc", offset: 4,
                            "extended Lc \(value) with \(body - 3) byte(s) after it; expected \(value) or \(value + 2)")
        }
    }
}
