import CCID

extension ReaderProfile {
    /// REINER SCT cyberJack go (0c4b:0504, libccid's ReinerSCT_cyberJack_go.txt): the PIN pad
    /// with a display that Debian's libccid drives (it lists the go, not the e-com), CCID
    /// class, extended APDU level, bPINSupport 3 (verify and modify).
    ///
    /// The descriptor is the go's, byte for byte, except wLcdLayout: the go reports 0x1002
    /// ("16 lines of 2 characters", its bytes swapped); this profile says what its display
    /// is, 2 lines of 16 (0x0210), so the simulated display shows whole prompts.
    public static let cyberJackGo = ReaderProfile(
        name: "cyberJack go", manufacturer: "REINER SCT", vendorID: 0x0C4B, productID: 0x0504,
        bcdDevice: 0x0100,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0110, bMaxSlotIndex: 0, bVoltageSupport: 0x07, dwProtocols: 0x03,
            dwDefaultClock: 1000, dwMaximumClock: 1000, bNumClockSupported: 1, dwDataRate: 2688,
            dwMaxDataRate: 2688, bNumDataRatesSupported: 1, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0004_04B0, dwMaxCCIDMessageLength: 1014, bClassGetResponse: 0xFF,
            bClassEnvelope: 0xFF, wLcdLayout: 0x0210, bPINSupport: 0x03, bMaxCCIDBusySlots: 1),
        clockFrequencies: [1000], dataRates: [2688],
        provenance: "cyberJack go (0c4b:0504), display layout 2x16")
}
