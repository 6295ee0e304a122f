/// vpcd's framing (vsmartcard vpcd.c): a 2-byte big-endian length, then the payload. A
/// 1-byte payload is a control; anything longer is a command APDU.
public enum VPCDMessage: Sendable, Hashable {
    case powerOff
    case powerOn
    case reset
    case atrRequest
    case unknownControl(UInt8)
    case apdu([UInt8])

    public init(payload: [UInt8]) {
        guard payload.count == 1 else {
            self = .apdu(payload)
            return
        }
        switch payload[0] {
        case 0x00: self = .powerOff
        case 0x01: self = .powerOn
        case 0x02: self = .reset
        case 0x04: self = .atrRequest
        default: self = .unknownControl(payload[0])
        }
    }

    /// Length prefix and payload as one buffer: they must leave in one write, or Nagle and
    /// delayed ACKs stall every exchange by about 40 ms.
    public static func frame(_ payload: [UInt8]) -> [UInt8] {
        precondition(payload.count <= 0xFFFF, "vpcd frames hold at most 65535 bytes")
        var out = [UInt8]()
        out.reserveCapacity(payload.count + 2)
        out.append(UInt8(payload.count >> 8))
        out.append(UInt8(payload.count & 0xFF))
        out.append(contentsOf: payload)
        return out
    }
}
