/// A response APDU: optional data, then the status word SW1 SW2 (ISO 7816-4 §5.1).
public struct ResponseAPDU: Sendable, Hashable {
    public var data: [UInt8]
    public var statusWord: StatusWord

    public init(data: [UInt8] = [], statusWord: StatusWord) {
        self.data = data
        self.statusWord = statusWord
    }

    public init(parsing bytes: [UInt8]) throws(APDUError) {
        guard bytes.count >= 2 else {
            throw APDUError(.truncated, field: "SW1 SW2", offset: 0, "\(bytes.count) byte(s), at least 2 needed")
        }
        data = Array(bytes[0..<(bytes.count - 2)])
        statusWord = StatusWord(sw1: bytes[bytes.count - 2], sw2: bytes[bytes.count - 1])
    }

    public var sw1: UInt8 { statusWord.sw1 }
    public var sw2: UInt8 { statusWord.sw2 }

    public func encoded() -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(data.count + 2)
        out.append(contentsOf: data)
        out.append(statusWord.sw1)
        out.append(statusWord.sw2)
        return out
    }
}
