import TrustedPathCore

/// FEATURE_GET_TLV_PROPERTIES: tag, length, value (little-endian numbers; sFirmwareID text).
/// Tags this code does not know stay in `raw`, so a newer reader's answer is not lost.
public struct TLVProperties: Sendable, Hashable {
    public var raw: [UInt8: [UInt8]]

    public static let lcdLayoutTag: UInt8 = 0x01
    public static let entryValidationConditionTag: UInt8 = 0x02
    public static let timeOut2Tag: UInt8 = 0x03
    public static let lcdMaxCharactersTag: UInt8 = 0x04
    public static let lcdMaxLinesTag: UInt8 = 0x05
    public static let minPINSizeTag: UInt8 = 0x06
    public static let maxPINSizeTag: UInt8 = 0x07
    public static let firmwareIDTag: UInt8 = 0x08
    public static let ppduSupportTag: UInt8 = 0x09
    public static let maxAPDUDataSizeTag: UInt8 = 0x0A
    public static let vendorIDTag: UInt8 = 0x0B
    public static let productIDTag: UInt8 = 0x0C

    public init(parsing bytes: [UInt8]) throws(PCSCParseError) {
        var reader = ByteReader(bytes)
        raw = [:]
        while !reader.isAtEnd {
            do throws(ByteReaderError) {
                let tag = try reader.u8("tag")
                let length = Int(try reader.u8("length"))
                raw[tag] = try reader.bytes(length, "value of tag 0x" + String(tag, radix: 16))
            } catch {
                throw PCSCParseError(structure: "TLV properties", field: error.field, offset: error.offset, error.description)
            }
        }
    }

    /// A numeric property (1, 2 or 4 bytes, little-endian).
    public func number(_ tag: UInt8) -> Int? {
        guard let value = raw[tag], !value.isEmpty, value.count <= 4 else { return nil }
        return value.reversed().reduce(0) { $0 << 8 | Int($1) }
    }

    public var lcdLayout: Int? { number(Self.lcdLayoutTag) }
    public var entryValidationCondition: Int? { number(Self.entryValidationConditionTag) }
    public var timeOut2: Int? { number(Self.timeOut2Tag) }
    public var lcdMaxCharacters: Int? { number(Self.lcdMaxCharactersTag) }
    public var lcdMaxLines: Int? { number(Self.lcdMaxLinesTag) }
    public var minPINSize: Int? { number(Self.minPINSizeTag) }
    public var maxPINSize: Int? { number(Self.maxPINSizeTag) }
    public var firmwareID: String? { raw[Self.firmwareIDTag].map { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
    public var ppduSupport: Int? { number(Self.ppduSupportTag) }
    public var maxAPDUDataSize: Int? { number(Self.maxAPDUDataSizeTag) }
    public var vendorID: Int? { number(Self.vendorIDTag) }
    public var productID: Int? { number(Self.productIDTag) }
}
