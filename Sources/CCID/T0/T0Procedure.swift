/// A T=0 procedure byte (ISO 7816-3 §10.3.3), classified for a given INS.
public enum T0Procedure: Sendable, Hashable {
    /// 0x60: the card asks for more time; wait for another procedure byte.
    case null
    /// INS: transfer all remaining data bytes, then another procedure byte.
    case ackAll
    /// INS ⊕ FF: transfer the next data byte only, then another procedure byte.
    case ackOne
    /// 6X (not 60) or 9X: SW1; SW2 follows and ends the command.
    case sw1(UInt8)

    public init(_ byte: UInt8, ins: UInt8) throws(T0Error) {
        let high = ins & 0xF0
        guard high != 0x60, high != 0x90 else {
            throw T0Error(.conflictingINS, "INS \(ins)")
        }
        switch byte {
        case 0x60: self = .null
        case ins: self = .ackAll
        case ins ^ 0xFF: self = .ackOne
        case 0x61...0x6F, 0x90...0x9F: self = .sw1(byte)
        default: throw T0Error(.invalidProcedureByte, "byte \(byte) for INS \(ins)")
        }
    }

    /// Interprets the card's whole character stream for a command that reads `expected` data
    /// bytes (case 2; 0 for cases 1 and 3, whose outgoing data the interface device sends on
    /// ACK): NULLs skipped, ACKs followed by their data, ending with SW1 SW2. Returns the data
    /// and the status word. Pure: no I/O, never traps.
    public static func interpret(ins: UInt8, received stream: [UInt8], expected: Int)
        throws(T0Error) -> (data: [UInt8], sw1: UInt8, sw2: UInt8) {
        var data: [UInt8] = []
        data.reserveCapacity(max(0, min(expected, 256)))
        var index = 0
        while index < stream.count {
            let procedure = try T0Procedure(stream[index], ins: ins)
            index += 1
            switch procedure {
            case .null:
                continue
            case .ackAll:
                let count = expected - data.count
                guard count >= 0, index + count <= stream.count else {
                    throw T0Error(.truncatedStream, "ACK at offset \(index - 1) announces \(count) byte(s)")
                }
                data.append(contentsOf: stream[index..<(index + count)])
                index += count
            case .ackOne:
                guard data.count < expected else {
                    throw T0Error(.unexpectedData, "ACK for one more byte at offset \(index - 1) beyond \(expected)")
                }
                guard index < stream.count else { throw T0Error(.truncatedStream, "data byte after offset \(index - 1)") }
                data.append(stream[index])
                index += 1
            case let .sw1(sw1):
                guard index < stream.count else { throw T0Error(.truncatedStream, "SW2 after offset \(index - 1)") }
                guard index + 1 == stream.count else {
                    throw T0Error(.unexpectedData, "\(stream.count - index - 1) byte(s) after SW2")
                }
                return (data, sw1, stream[index])
            }
        }
        throw T0Error(.truncatedStream, "no SW1 SW2 in \(stream.count) byte(s)")
    }
}
