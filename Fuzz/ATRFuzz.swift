// libFuzzer target for ATR parsing, its derived parameters and PPS.
// Built by scripts/fuzz together with TrustedPathCore and CCID as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let atr = try? ATR(parsing: bytes) {
        _ = atr.json.rendered
        _ = atr.listing
        _ = (atr.ifsc, atr.bwi, atr.cwi, atr.usesCRC, atr.classIndicator, atr.defaultProtocol)
        let request = PPS(protocolType: UInt8(truncatingIfNeeded: atr.defaultProtocol),
                          fiIndex: atr.fiIndex, diIndex: atr.diIndex)
        if (try? request.validate(response: request.encode())) != request { fatalError("PPS echo") }
    }
    if let pps = try? PPS(parsing: bytes) {
        if (try? PPS(parsing: pps.encode())) != pps { fatalError("PPS round trip") }
    }
    return 0
}
