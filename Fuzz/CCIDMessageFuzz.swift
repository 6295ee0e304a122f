// libFuzzer target for CCID bulk and interrupt messages and the response matcher.
// Built by scripts/fuzz together with TrustedPathCore and CCID as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? CCIDMessage(parsing: bytes) {
        // RFU bytes are dropped, so the bytes may differ, but the value must survive.
        let again = try? CCIDMessage(parsing: message.encode())
        if again != message { fatalError("message round trip: \(message)") }
        _ = message.name
    }
    if let interrupt = try? CCIDInterruptMessage(parsing: bytes) {
        if (try? CCIDInterruptMessage(parsing: interrupt.encode())) != interrupt { fatalError("interrupt round trip") }
    }
    if let first = bytes.first {
        _ = try? CCIDResponseMatcher.classify(expectedSequence: first, frame: Array(bytes.dropFirst()))
    }
    _ = try? CCIDPINOperation(parsing: bytes)
    return 0
}
