import APDU
import TrustedPathCore

/// A small ISO 7816-4 card: transparent files selected by FID, READ/UPDATE BINARY, and one
/// PIN with a retry counter. Enough for host tests of every transport level; the TCOS card
/// will be another `SimulatedCard`.
///
/// The PIN is stored as the exact VERIFY data the card expects (the formatted PIN block),
/// which is what a card really compares; CHANGE REFERENCE DATA carries old block then new.
public struct MemoryCard: SimulatedCard {
    public var atr: [UInt8]
    public var protocols: CardProtocols
    public var voltages: CardVoltages
    public var timeExtensions: Int
    public var wtxRequests: Int
    public var files: [UInt16: [UInt8]]
    /// Files UPDATE BINARY may write only after a successful VERIFY.
    public var protectedFiles: Set<UInt16>
    public let pinReference: UInt8
    public let maxRetries: Int
    public private(set) var retriesLeft: Int
    public private(set) var isVerified = false
    public private(set) var selectedFile: UInt16?
    private var pinBlock: SecretBytes

    public init(atr: [UInt8], protocols: CardProtocols, voltages: CardVoltages = .all,
                files: [UInt16: [UInt8]] = [:], protectedFiles: Set<UInt16> = [],
                pinBlock: [UInt8], pinReference: UInt8 = 0x81, maxRetries: Int = 3,
                timeExtensions: Int = 0, wtxRequests: Int = 0) {
        self.atr = atr; self.protocols = protocols; self.voltages = voltages
        self.files = files; self.protectedFiles = protectedFiles
        self.pinBlock = SecretBytes(pinBlock); self.pinReference = pinReference
        self.maxRetries = maxRetries; self.retriesLeft = maxRetries
        self.timeExtensions = timeExtensions; self.wtxRequests = wtxRequests
    }

    public mutating func reset() {
        isVerified = false
        selectedFile = nil
    }

    public mutating func process(apdu bytes: [UInt8]) -> [UInt8] {
        guard let apdu = try? CommandAPDU(parsing: bytes) else { return [0x67, 0x00] }
        guard apdu.cla & 0x80 == 0 else { return [0x6E, 0x00] }
        switch apdu.ins {
        case 0xA4: return select(apdu)
        case 0xB0: return readBinary(apdu)
        case 0xD6: return updateBinary(apdu)
        case 0x20: return verify(apdu)
        case 0x24: return changeReferenceData(apdu)
        default: return [0x6D, 0x00]
        }
    }

    private mutating func select(_ apdu: CommandAPDU) -> [UInt8] {
        // By FID only (P1 00, 01, 02); the 3F00 path form is not needed by the tests.
        guard apdu.p1 <= 0x02, apdu.data.count == 2 else { return [0x6A, 0x86] }
        let fid = UInt16(apdu.data[0]) << 8 | UInt16(apdu.data[1])
        guard files[fid] != nil else { return [0x6A, 0x82] }
        selectedFile = fid
        // P2 0C: no response data. Otherwise a minimal FCP (tag 62 with the file size, 80),
        // which makes SELECT a case 4 command: T=0 hosts then see 61xx and GET RESPONSE.
        if apdu.p2 & 0x0C == 0x0C { return [0x90, 0x00] }
        let size = files[fid]?.count ?? 0
        return [0x62, 0x04, 0x80, 0x02, UInt8(truncatingIfNeeded: size >> 8), UInt8(truncatingIfNeeded: size), 0x90, 0x00]
    }

    private func readBinary(_ apdu: CommandAPDU) -> [UInt8] {
        guard let fid = selectedFile, let content = files[fid] else { return [0x69, 0x86] }
        let offset = Int(apdu.p1 & 0x7F) << 8 | Int(apdu.p2)
        guard offset <= content.count else { return [0x6B, 0x00] }
        let wanted = apdu.ne ?? 0
        let end = min(content.count, offset + wanted)
        var out = Array(content[offset..<end])
        // Fewer bytes than asked: end of file reached (ISO 7816-4 warning 6282).
        out += end - offset < wanted ? [0x62, 0x82] : [0x90, 0x00]
        return out
    }

    private mutating func updateBinary(_ apdu: CommandAPDU) -> [UInt8] {
        guard let fid = selectedFile, var content = files[fid] else { return [0x69, 0x86] }
        if protectedFiles.contains(fid), !isVerified { return [0x69, 0x82] }
        let offset = Int(apdu.p1 & 0x7F) << 8 | Int(apdu.p2)
        guard offset + apdu.data.count <= content.count else { return [0x6A, 0x84] }
        content.replaceSubrange(offset..<(offset + apdu.data.count), with: apdu.data)
        files[fid] = content
        return [0x90, 0x00]
    }

    private mutating func verify(_ apdu: CommandAPDU) -> [UInt8] {
        guard apdu.p2 == pinReference else { return [0x6A, 0x88] }
        if retriesLeft == 0 { return [0x69, 0x83] }
        // No data: report the state instead of trying a PIN (ISO 7816-4 §11.5.6).
        if apdu.data.isEmpty { return isVerified ? [0x90, 0x00] : [0x63, 0xC0 | UInt8(retriesLeft)] }
        return check(SecretBytes(apdu.data))
    }

    private mutating func changeReferenceData(_ apdu: CommandAPDU) -> [UInt8] {
        guard apdu.p2 == pinReference else { return [0x6A, 0x88] }
        if retriesLeft == 0 { return [0x69, 0x83] }
        let size = pinBlock.count
        // P1 00: old and new PIN; P1 01: new PIN only, after a VERIFY.
        if apdu.p1 == 0x01 {
            guard isVerified else { return [0x69, 0x82] }
            guard apdu.data.count == size else { return [0x67, 0x00] }
            pinBlock = SecretBytes(apdu.data)
            return [0x90, 0x00]
        }
        guard apdu.data.count == 2 * size else { return [0x67, 0x00] }
        let answer = check(SecretBytes(Array(apdu.data[0..<size])))
        guard answer == [0x90, 0x00] else { return answer }
        pinBlock = SecretBytes(Array(apdu.data[size...]))
        return answer
    }

    private mutating func check(_ candidate: SecretBytes) -> [UInt8] {
        if candidate.constantTimeEquals(pinBlock) {
            retriesLeft = maxRetries
            isVerified = true
            return [0x90, 0x00]
        }
        isVerified = false
        retriesLeft -= 1
        return retriesLeft == 0 ? [0x69, 0x83] : [0x63, 0xC0 | UInt8(retriesLeft)]
    }
}
