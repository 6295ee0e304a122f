// libFuzzer target: T=1 block parsing (LRC and CRC), the T=1 exchange state machine driven by
// a fuzzed card, and the T=0 procedure-byte interpreter. Built by `scripts/fuzz T1BlockFuzz`
// together with TrustedPathCore and Sources/CCID as one module, so it imports none of ours.
//
// Input: byte 0 selects EDC (bit 0), IFSC (bits 1-3) and whether a second APDU follows;
// the rest is a sequence of card replies, each `length byte` + bytes (length 0xFF: timeout).

private let longAPDU: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
private let shortAPDU: [UInt8] = [0x00, 0xA4, 0x04, 0x00, 0x00]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // 1. The codec: whatever parses must encode back to the same bytes.
    for edc in [T1EDC.lrc, .crc] {
        if let block = try? T1Block(parsing: bytes, edc: edc) {
            precondition(block.encoded(edc: edc) == bytes, "T1Block round trip differs")
        }
    }

    // 2. The state machine: must end (finished or failed) and never trap.
    if let config = bytes.first {
        let edc: T1EDC = config & 1 == 0 ? .lrc : .crc
        let ifsc = Int(config >> 1 & 0x07) * 36 + 1
        var replies: [[UInt8]?] = []
        var index = 1
        while index < bytes.count {
            let length = Int(bytes[index])
            index += 1
            if length == 0xFF { replies.append(nil); continue }
            let end = min(index + length, bytes.count)
            replies.append(Array(bytes[index..<end]))
            index = end
        }
        var exchange = T1Exchange(apdu: config & 0x10 != 0 ? longAPDU : shortAPDU, ns: config >> 5 & 1,
                                  nr: config >> 6 & 1, ifsc: ifsc, edc: edc, maxResponseLength: 1_024)
        var steps = 0
        for reply in replies {
            steps += 1
            switch exchange.received(reply) {
            case let .send(block, _):
                precondition((try? T1Block(parsing: block, edc: edc)) != nil, "engine sent an invalid block")
            case let .finished(response):
                precondition(response.count <= 1_024)
            case .failed:
                break
            }
        }
        precondition(steps == replies.count)

        // 3. T=0: the procedure-byte stream and the APDU length decoder.
        _ = try? T0Procedure.interpret(ins: config, received: Array(bytes.dropFirst()), expected: Int(config))
        _ = try? T0Command(parsing: Array(bytes.dropFirst()))
    }
    return 0
}
