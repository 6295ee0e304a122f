import TrustedPathCore

/// The answer to CM_IOCTL_GET_FEATURE_REQUEST: which part 10 features the reader has and the
/// control code for each (PC/SC part 10 §2.2: tag, length 4, code big-endian).
public struct PCSCFeatureList: Sendable, Hashable {
    public var controlCodes: [PCSCFeature: UInt32]
    /// In the order the reader listed them.
    public var features: [PCSCFeature]

    public init(parsing bytes: [UInt8]) throws(PCSCParseError) {
        var reader = ByteReader(bytes)
        controlCodes = [:]
        features = []
        while !reader.isAtEnd {
            let start = reader.offset
            let tag: PCSCFeature, length: UInt8, code: UInt32
            do throws(ByteReaderError) {
                tag = PCSCFeature(rawValue: try reader.u8("tag"))
                length = try reader.u8("length")
                code = length == 4 ? try reader.u32be("control code") : 0
            } catch {
                throw PCSCParseError(structure: "feature list", field: error.field, offset: error.offset, error.description)
            }
            guard length == 4 else {
                throw PCSCParseError(structure: "feature list", field: "length of \(tag)", offset: start + 1,
                                     "\(length), must be 4")
            }
            if controlCodes.updateValue(code, forKey: tag) == nil { features.append(tag) }
        }
    }

    public func controlCode(_ feature: PCSCFeature) -> UInt32? { controlCodes[feature] }
    public var isEmpty: Bool { features.isEmpty }
}

/// A reader's answer that does not have the layout PC/SC part 10 gives it.
public struct PCSCParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public var structure: String
    public var field: String
    public var offset: Int
    public var detail: String

    public init(structure: String, field: String, offset: Int, _ detail: String) {
        self.structure = structure
        self.field = field
        self.offset = offset
        self.detail = detail
    }

    public var description: String {
        "\(structure): \(field) at offset \(offset): \(detail); the reader driver answered out of spec"
    }
}
