// libFuzzer target: any bytes as a capture file, through the reader, the CCID decoder and
// both output forms. Built by `scripts/fuzz CaptureDecoderFuzz SECONDS` with the sources of
// TrustedPathCore, Transcript, CCID and CaptureDecoder as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let (packets, _) = CaptureReader.readPrefix(bytes)
    var decoder = CaptureCCIDDecoder(reportOtherTransfers: true)
    var writer = JSONLineWriter(capacity: 256)
    func emit(_ event: CaptureCCIDDecoder.Event) {
        switch event {
        case .message(let record):
            writer.write(record)
            _ = RecordText.line(for: record)
        case .transfer:
            break
        }
    }
    for captured in packets { decoder.feed(frame: captured.frame, captured.packet, emit: emit) }
    decoder.finish(emit: emit)
    return 0
}
