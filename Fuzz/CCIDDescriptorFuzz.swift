// libFuzzer target for the CCID class descriptor and the configuration-descriptor search.
// Built by scripts/fuzz together with TrustedPathCore and CCID as one module.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let descriptor = try? CCIDClassDescriptor(parsing: bytes) {
        // Decoding is total over the 54 bytes: encoding must give them back.
        if descriptor.encode() != Array(bytes.prefix(54)) { fatalError("descriptor round trip") }
        _ = descriptor.json.rendered
        _ = descriptor.listing
        _ = descriptor.lcdLayout
        _ = descriptor.exchangeLevel.name
    }
    for found in CCIDDescriptorLocator.locateAll(in: bytes) {
        if found.offset < 0 || found.offset + 54 > bytes.count { fatalError("locator offset") }
    }
    _ = try? CCIDClassRequest.parseValues(bytes)
    return 0
}
