// libFuzzer target: the PED link codec. Built by `scripts/fuzz PEDFrameFuzz` together with
// TrustedPathCore and Sources/PEDProtocol as one module, so it imports none of ours.
//
// Input: the bytes as one frame, as a request and a reply; then as a stream cut into bulk
// transfers (byte 0 gives the transfer size) through the reassembler.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))

    // 1. Whatever parses as a frame encodes back to the same bytes; messages likewise.
    if let frame = try? PEDFrame(parsing: bytes) {
        precondition(frame.encoded() == bytes, "PEDFrame round trip differs")
        if let request = try? PEDRequest(frame: frame) {
            precondition(request.frame(sequence: frame.sequence).encoded() == bytes, "PEDRequest round trip differs")
        }
        if let reply = try? PEDReply(frame: frame) {
            precondition(reply.frame(sequence: frame.sequence).encoded() == bytes, "PEDReply round trip differs")
        }
    }

    // 2. Payload decoders alone, for any type byte.
    if bytes.count >= 1 {
        let frame = PEDFrame(sequence: 1, type: bytes[0], payload: Array(bytes.dropFirst().prefix(PEDFrame.maximumPayload)))
        if let request = try? PEDRequest(frame: frame) {
            precondition(request.frame(sequence: 1) == frame, "PEDRequest payload round trip differs")
        }
        if let reply = try? PEDReply(frame: frame) {
            precondition(reply.frame(sequence: 1) == frame, "PEDReply payload round trip differs")
        }
    }

    // 3. The reassembler: every frame it yields is valid, and it never holds more than a frame.
    if let first = bytes.first {
        let chunk = Int(first % 64) + 1
        var assembler = PEDFrameAssembler()
        var index = 1
        while index < bytes.count {
            let end = min(index + chunk, bytes.count)
            for frame in assembler.append(Array(bytes[index..<end])) {
                precondition((try? PEDFrame(parsing: frame.encoded())) != nil, "assembler yielded an invalid frame")
            }
            precondition(assembler.buffered < PEDFrame.maximumLength, "assembler buffers more than a frame")
            index = end
        }
    }

    // 4. The rules on the values a frame may carry.
    if bytes.count >= 2 {
        _ = try? MofN(m: Int(bytes[0]) - 128, n: Int(bytes[1]) - 128)
        _ = PEDPINRule.check(Array(bytes.dropFirst(2)))
        if bytes.count >= 6 {
            _ = FirmwareCompatibility.decide(hsm: FirmwareVersion(bytes[0], bytes[1], bytes[2]),
                                             ped: FirmwareVersion(bytes[3], bytes[4], bytes[5]))
        }
    }
    return 0
}
