// libFuzzer target: scripts/fuzz CaptureReaderFuzz [SECONDS]. Compiled together with the
// sources of TrustedPathCore and Transcript as one module, so it imports none of them.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // A small buffer makes every refill and compaction path run on small inputs too.
    var reader = CaptureReader(ArrayByteSource(bytes), bufferSize: 64)
    var count = 0
    do {
        while let packet = try reader.next() {
            count += 1
            precondition(packet.frame >= 1 && packet.offset >= 0 && packet.offset < size)
            // Every packet read must survive the writer and the text form unchanged.
            let line = TranscriptText.line(for: packet.packet)
            var back = try TranscriptText.parseLine(Substring(line))
            if !(0..<1_000_000).contains(packet.packet.microseconds) {
                // The text form carries such a time into seconds; the instant is the same.
                back?.seconds = packet.packet.seconds
                back?.microseconds = packet.packet.microseconds
            }
            precondition(back == packet.packet, "text round trip changed \(line)")
            let written = try CaptureReader.readAll(UsbmonCaptureWriter().capture([packet.packet]))
            precondition(written.map(\.packet) == [packet.packet], "pcap round trip changed \(line)")
        }
    } catch let error as TranscriptError {
        precondition(error.code != .textSyntax, "\(error)")
    } catch {
        preconditionFailure("untyped error \(error)")
    }
    _ = count
    _ = try? TranscriptText.parse(String(decoding: bytes, as: UTF8.self))
    return 0
}
