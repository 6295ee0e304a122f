/// A small stand-in card for the bridge's own checks and `trustedpath simulate vpcd` until the
/// simulated TCOS card is wired in: SELECT by FID, READ BINARY, VERIFY with a try counter,
/// GET CHALLENGE. Its ATR is the TCOS 3.0 ATR by default so OpenSC picks its TCOS driver.
public actor MinimalCard: VirtualCard {
    /// TCOS 3.0 (OpenSC's card-tcos.c lists it).
    public static let tcos3ATR: [UInt8] = [0x3B, 0xBF, 0x96, 0x00, 0x81, 0x31, 0xFE, 0x5D, 0x00, 0x64, 0x04, 0x11,
                                          0x03, 0x01, 0x31, 0xC0, 0x73, 0xF7, 0x01, 0xD0, 0x00, 0x90, 0x00, 0x7D]
    /// EF 3F00/2F02 content the READ BINARY tests and the benchmark read: bytes 00 01 02 … FF.
    public static let efContent: [UInt8] = (0..<256).map { UInt8($0) }
    public static let mf: UInt16 = 0x3F00
    public static let ef: UInt16 = 0x2F02

    public nonisolated let atrBytes: [UInt8]
    private let pin: [UInt8]
    private let maxTries = 3
    private var triesLeft = 3
    private var verified = false
    private var selected: UInt16 = 0x3F00
    public private(set) var powerCycles = 0
    public private(set) var commands = 0

    public init(atr: [UInt8] = MinimalCard.tcos3ATR, pin: [UInt8] = Array("1234".utf8)) {
        atrBytes = atr
        self.pin = pin
    }

    public var atr: [UInt8] { atrBytes }

    public func powerOn() { powerCycles += 1; resetState() }
    public func powerOff() { resetState() }
    public func reset() { resetState() }

    private func resetState() {
        verified = false
        selected = MinimalCard.mf
    }

    public func transmit(_ apdu: [UInt8]) -> [UInt8] {
        commands += 1
        guard apdu.count >= 4 else { return [0x67, 0x00] }
        let (cla, ins, p1, p2) = (apdu[0], apdu[1], apdu[2], apdu[3])
        guard cla & 0x80 == 0 else { return [0x6E, 0x00] }
        let body = Array(apdu.dropFirst(4))
        switch ins {
        case 0xA4: return select(p1: p1, p2: p2, body: body)
        case 0xB0: return readBinary(offset: Int(p1 & 0x7F) << 8 | Int(p2), body: body)
        case 0x20: return verify(body: body)
        case 0x84: return Array(repeating: 0xA5, count: body.first.map { $0 == 0 ? 256 : Int($0) } ?? 8) + [0x90, 0x00]
        default: return [0x6D, 0x00]
        }
    }

    private func select(p1: UInt8, p2: UInt8, body: [UInt8]) -> [UInt8] {
        // Only select by file identifier (P1 00/02) with a 2-byte FID.
        guard p1 == 0x00 || p1 == 0x02, body.count >= 3, body[0] == 2 else { return [0x6A, 0x86] }
        let fid = UInt16(body[1]) << 8 | UInt16(body[2])
        guard fid == MinimalCard.mf || fid == MinimalCard.ef else { return [0x6A, 0x82] }
        selected = fid
        if p2 & 0x0C == 0x0C { return [0x90, 0x00] }
        // A minimal FCP: file ID and, for the EF, its size.
        var fcp: [UInt8] = [0x83, 0x02, body[1], body[2]]
        if fid == MinimalCard.ef { fcp += [0x80, 0x02, 0x01, 0x00] }
        return [0x62, UInt8(fcp.count)] + fcp + [0x90, 0x00]
    }

    private func readBinary(offset: Int, body: [UInt8]) -> [UInt8] {
        guard selected == MinimalCard.ef || selected == MinimalCard.mf else { return [0x69, 0x86] }
        let content = MinimalCard.efContent
        guard offset < content.count else { return [0x6B, 0x00] }
        let ne = body.first.map { $0 == 0 ? 256 : Int($0) } ?? 256
        let end = min(content.count, offset + ne)
        let data = Array(content[offset..<end])
        return data + (data.count < ne ? [0x62, 0x82] : [0x90, 0x00])
    }

    private func verify(body: [UInt8]) -> [UInt8] {
        if body.isEmpty { return verified ? [0x90, 0x00] : [0x63, 0xC0 | UInt8(triesLeft)] }
        guard triesLeft > 0 else { return [0x69, 0x83] }
        let entered = Array(body.dropFirst().prefix(Int(body[0])))
        if entered == pin {
            triesLeft = maxTries
            verified = true
            return [0x90, 0x00]
        }
        triesLeft -= 1
        verified = false
        return [0x63, 0xC0 | UInt8(triesLeft)]
    }
}
