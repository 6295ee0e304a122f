/// The length fields of a command APDU, classified as ISO 7816-3 §12.1.3 does. CCID may not
/// depend on the APDU module, so T=0 carries this small decoder of its own.
struct T0Command: Sendable {
    var dataRange: Range<Int>
    var ne: Int?
    var dataCount: Int { dataRange.count }

    init(parsing bytes: [UInt8]) throws(T0Error) {
        guard bytes.count >= 4 else { throw T0Error(.invalidAPDU, "header: \(bytes.count) byte(s) at offset 0, 4 needed") }
        let body = bytes.count - 4
        dataRange = 4..<4
        ne = nil
        if body == 0 { return }
        let b1 = Int(bytes[4])
        if body == 1 {
            ne = b1 == 0 ? 256 : b1
            return
        }
        if b1 != 0 {
            guard body == 1 + b1 || body == 2 + b1 else {
                throw T0Error(.invalidAPDU, "Lc at offset 4: \(b1) with \(body - 1) byte(s) after it")
            }
            dataRange = 5..<(5 + b1)
            if body == 2 + b1 { ne = bytes[5 + b1] == 0 ? 256 : Int(bytes[5 + b1]) }
            return
        }
        guard body >= 3 else { throw T0Error(.invalidAPDU, "extended length at offset 5: 2 bytes needed") }
        let value = Int(bytes[5]) << 8 | Int(bytes[6])
        if body == 3 {
            ne = value == 0 ? 65_536 : value
            return
        }
        guard value != 0, body == 3 + value || body == 5 + value else {
            throw T0Error(.invalidAPDU, "extended Lc at offset 4: \(value) with \(body - 3) byte(s) after it")
        }
        dataRange = 7..<(7 + value)
        if body == 5 + value {
            let le = Int(bytes[7 + value]) << 8 | Int(bytes[8 + value])
            ne = le == 0 ? 65_536 : le
        }
    }
}
