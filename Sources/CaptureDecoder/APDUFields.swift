/// The fields of a command APDU as it travels in an XfrBlock, classified by ISO 7816-3
/// §12.1.3 from its length alone. Lenient on purpose: a capture decoder shows what was sent,
/// so a body that fits no case is reported as such rather than thrown. It is a view into the
/// message (no copy of the data), for the decode hot path; `APDU.CommandAPDU(parsing:)` is
/// the strict parser with typed errors that the host stack uses.
public struct APDUFields: Sendable, Hashable {
    public var cla: UInt8
    public var ins: UInt8
    public var p1: UInt8
    public var p2: UInt8
    /// Nc, when the command carries data.
    public var lc: Int?
    /// Ne, the maximum response length (256 or 65536 where encoded as zero).
    public var le: Int?
    public var data: ArraySlice<UInt8>

    public init?(_ bytes: ArraySlice<UInt8>) {
        let b = Array(bytes)
        let n = b.count
        guard n >= 4 else { return nil }
        cla = b[0]; ins = b[1]; p1 = b[2]; p2 = b[3]
        lc = nil; le = nil; data = []
        if n == 4 { return }
        let b5 = Int(b[4])
        if n == 5 {
            le = b5 == 0 ? 256 : b5
            return
        }
        if b5 != 0 {
            if n == 5 + b5 {
                lc = b5
                data = bytes.dropFirst(5)
                return
            }
            if n == 6 + b5 {
                lc = b5
                data = bytes.dropFirst(5).dropLast()
                le = b[n - 1] == 0 ? 256 : Int(b[n - 1])
                return
            }
            return nil
        }
        guard n >= 7 else { return nil }
        let word = Int(b[5]) << 8 | Int(b[6])
        if n == 7 {
            le = word == 0 ? 65536 : word
            return
        }
        guard word != 0 else { return nil }
        if n == 7 + word {
            lc = word
            data = bytes.dropFirst(7)
            return
        }
        if n == 9 + word {
            lc = word
            data = bytes.dropFirst(7).dropLast(2)
            let tail = Int(b[n - 2]) << 8 | Int(b[n - 1])
            le = tail == 0 ? 65536 : tail
            return
        }
        return nil
    }
}
