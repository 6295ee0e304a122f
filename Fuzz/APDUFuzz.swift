// libFuzzer target: CommandAPDU and ResponseAPDU parsing. Built by `scripts/fuzz APDUFuzz`
// together with TrustedPathCore and Sources/APDU as one module, so it imports none of ours.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let command = try? CommandAPDU(parsing: bytes) {
        // Every accepted encoding is canonical for its form: it must encode back byte for byte.
        precondition(command.encoded() == bytes, "CommandAPDU round trip differs")
        precondition(command.encodedCount == bytes.count)
        _ = (command.apduCase, command.isChained, command.logicalChannel, command.secureMessaging, command.plainClass)
    }
    if let response = try? ResponseAPDU(parsing: bytes) {
        precondition(response.encoded() == bytes, "ResponseAPDU round trip differs")
        _ = response.statusWord.meaning
        _ = response.statusWord.triesLeft
    }
    return 0
}
