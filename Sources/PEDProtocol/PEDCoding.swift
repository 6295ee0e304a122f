import TrustedPathCore

/// Field codings shared by requests and replies.
enum PEDCoding {
    static let maximumLines = 4
    /// A display line never needs more; with four lines the payload stays far below the maximum.
    static let maximumLineBytes = 64
    /// Keys one request may touch (16 splits with two copies each); keeps replies small.
    static let maximumKeys = 48

    static func encodeString(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8.prefix(255))
        return [UInt8(bytes.count)] + bytes
    }

    /// Strict UTF-8: a string that would not encode back to the same bytes is refused.
    static func decodeString(_ reader: inout ByteReader, _ field: String) throws -> String {
        let count = Int(try reader.u8(field + "Length"))
        return try utf8(try reader.bytes(count, field), field: field, offset: reader.offset - count)
    }

    static func utf8(_ bytes: [UInt8], field: String, offset: Int) throws(PEDProtocolError) -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw PEDProtocolError(.badValue, field: field, offset: offset, "not UTF-8")
        }
        return text
    }

    static func encodeLines(_ lines: [String]) -> [UInt8] {
        let kept = lines.prefix(maximumLines)
        return [UInt8(kept.count)] + kept.flatMap { line in
            let bytes = Array(line.utf8.prefix(maximumLineBytes))
            return [UInt8(bytes.count)] + bytes
        }
    }

    static func decodeLines(_ reader: inout ByteReader) throws -> [String] {
        let count = Int(try reader.u8("lineCount"))
        guard count <= maximumLines else {
            throw PEDProtocolError(.badValue, field: "lineCount", offset: 0, "\(count) > \(maximumLines)")
        }
        var lines: [String] = []
        for _ in 0..<count {
            let length = Int(try reader.u8("lineLength"))
            guard length <= maximumLineBytes else {
                throw PEDProtocolError(.badValue, field: "lineLength", offset: reader.offset - 1, "\(length) > \(maximumLineBytes)")
            }
            lines.append(try utf8(try reader.bytes(length, "line"), field: "line", offset: reader.offset - length))
        }
        return lines
    }

    /// At most `maximumKeys`: senders check the count before (a write of more keys is refused).
    static func encodeKeys(_ keys: [PEDKeyID]) -> [UInt8] {
        let kept = keys.prefix(maximumKeys)
        return [UInt8(kept.count)] + kept.flatMap(\.bytes)
    }

    static func decodeKeys(_ reader: inout ByteReader) throws -> [PEDKeyID] {
        let count = Int(try reader.u8("keyCount"))
        guard count <= maximumKeys else {
            throw PEDProtocolError(.badValue, field: "keyCount", offset: reader.offset - 1, "\(count) > \(maximumKeys)")
        }
        var keys: [PEDKeyID] = []
        for _ in 0..<count { keys.append(try key(&reader, "key")) }
        return keys
    }

    static func key(_ reader: inout ByteReader, _ field: String) throws(ByteReaderError) -> PEDKeyID {
        // Eight bytes always make a key ID.
        PEDKeyID(try reader.bytes(PEDKeyID.length, field)) ?? PEDKeyID(0)
    }

    static func firmware(_ reader: inout ByteReader) throws(ByteReaderError) -> FirmwareVersion {
        let bytes = try reader.bytes(3, "firmware")
        return FirmwareVersion(bytes[0], bytes[1], bytes[2])
    }

    static func role(_ reader: inout ByteReader) throws -> PEDRole {
        let code = try reader.u8("role")
        guard let role = PEDRole(rawValue: code) else {
            throw PEDProtocolError(.badValue, field: "role", offset: reader.offset - 1, "role \(code)")
        }
        return role
    }

    static func policy(_ reader: inout ByteReader) throws -> MofN {
        let offset = reader.offset
        let m = Int(try reader.u8("m")), n = Int(try reader.u8("n"))
        do { return try MofN(m: m, n: n) } catch {
            throw PEDProtocolError(.badValue, field: error.field, offset: offset + (error.field == "m" ? 0 : 1), error.detail)
        }
    }
}
