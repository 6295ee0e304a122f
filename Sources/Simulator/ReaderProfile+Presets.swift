import CCID

/// Readers whose descriptors come from libccid's `readers/` dumps in
/// ../shared/corpus/ccid-readers/ (and the raw bytes in ccid-descriptors.json), so host code
/// meets the values real firmware reports, quirks included.
extension ReaderProfile {
    /// REINER SCT cyberJack e-com (0c4b:0400): PIN pad with a 2x16 display, short APDU level.
    /// libccid does not list the e-com, so the descriptor is the cyberJack go's
    /// (ReinerSCT_cyberJack_go.txt, 0c4b:0504, the same firmware family) with two changes:
    /// dwFeatures says short APDU (0x000204B0 instead of the go's short+extended 0x000404B0),
    /// and wLcdLayout is 0x0210 (2 lines of 16) where the go reports the byte-swapped 0x1002.
    public static let cyberJackEcom = ReaderProfile(
        name: "cyberJack e-com", manufacturer: "REINER SCT", vendorID: 0x0C4B, productID: 0x0400,
        bcdDevice: 0x0001,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0110, bMaxSlotIndex: 0, bVoltageSupport: 0x07, dwProtocols: 0x03,
            dwDefaultClock: 1000, dwMaximumClock: 1000, bNumClockSupported: 1, dwDataRate: 2688,
            dwMaxDataRate: 2688, bNumDataRatesSupported: 1, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0002_04B0, dwMaxCCIDMessageLength: 1014, bClassGetResponse: 0xFF,
            bClassEnvelope: 0xFF, wLcdLayout: 0x0210, bPINSupport: 0x03, bMaxCCIDBusySlots: 1),
        clockFrequencies: [1000], dataRates: [2688],
        provenance: "cyberJack go (0c4b:0504) descriptor, short APDU level, 2x16 LCD")

    /// Gemalto GemPC Twin (08e6:3437, GemPCTwin.txt): TPDU level, T=0 and T=1, 271-byte messages.
    public static let tpduT1Reader = ReaderProfile(
        name: "USB SmartCard Reader", manufacturer: "Gemalto", vendorID: 0x08E6, productID: 0x3437,
        bcdDevice: 0x0100,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0100, bMaxSlotIndex: 0, bVoltageSupport: 0x07, dwProtocols: 0x03,
            dwDefaultClock: 4000, dwMaximumClock: 4000, bNumClockSupported: 0, dwDataRate: 10752,
            dwMaxDataRate: 344_086, bNumDataRatesSupported: 0, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0001_0230, dwMaxCCIDMessageLength: 271, bClassGetResponse: 0,
            bClassEnvelope: 0, wLcdLayout: 0, bPINSupport: 0, bMaxCCIDBusySlots: 1),
        provenance: "Gemalto GemPC Twin (08e6:3437)")

    /// SCM SCR3310 (04e6:5116, SCR3310.txt): TPDU level, 5V only, dwMaxIFSD 252.
    public static let tpduT0Reader = ReaderProfile(
        name: "SCR3310 USB Smart Card Reader", manufacturer: "SCM Microsystems Inc.", vendorID: 0x04E6,
        productID: 0x5116, bcdDevice: 0x0523,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0110, bMaxSlotIndex: 0, bVoltageSupport: 0x01, dwProtocols: 0x03,
            dwDefaultClock: 4000, dwMaximumClock: 8000, bNumClockSupported: 0, dwDataRate: 10753,
            dwMaxDataRate: 344_105, bNumDataRatesSupported: 0, dwMaxIFSD: 252, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0001_00BA, dwMaxCCIDMessageLength: 271, bClassGetResponse: 0xFF,
            bClassEnvelope: 0xFF, wLcdLayout: 0, bPINSupport: 0, bMaxCCIDBusySlots: 1),
        provenance: "SCM SCR3310 (04e6:5116)")

    /// Identive CLOUD 2700 R (04e6:5810, Identive_CLOUD_2700_R.txt): extended APDU level with
    /// 271-byte messages, so any APDU over 261 bytes is chained through wLevelParameter.
    public static let extendedAPDUReader = ReaderProfile(
        name: "CLOUD 2700 R Smart Card Reader", manufacturer: "Identive", vendorID: 0x04E6, productID: 0x5810,
        bcdDevice: 0x0100,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0110, bMaxSlotIndex: 0, bVoltageSupport: 0x07, dwProtocols: 0x03,
            dwDefaultClock: 4800, dwMaximumClock: 16000, bNumClockSupported: 0, dwDataRate: 12903,
            dwMaxDataRate: 600_000, bNumDataRatesSupported: 0, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0004_04BA, dwMaxCCIDMessageLength: 271, bClassGetResponse: 0xFF,
            bClassEnvelope: 0xFF, wLcdLayout: 0, bPINSupport: 0, bMaxCCIDBusySlots: 1),
        provenance: "Identive CLOUD 2700 R (04e6:5810)")

    /// Gemalto GemCore SIM Pro (08e6:3480, GemCoreSIMPro.txt): two slots (bMaxSlotIndex 1), TPDU.
    public static let multiSlotReader = ReaderProfile(
        name: "GemCore SIM Pro Smart Card Reader", manufacturer: "Gemalto", vendorID: 0x08E6, productID: 0x3480,
        bcdDevice: 0x0100,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0100, bMaxSlotIndex: 1, bVoltageSupport: 0x07, dwProtocols: 0x03,
            dwDefaultClock: 4000, dwMaximumClock: 4000, bNumClockSupported: 0, dwDataRate: 10752,
            dwMaxDataRate: 500_000, bNumDataRatesSupported: 0, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0001_0230, dwMaxCCIDMessageLength: 271, bClassGetResponse: 0,
            bClassEnvelope: 0, wLcdLayout: 0, bPINSupport: 0, bMaxCCIDBusySlots: 1),
        provenance: "Gemalto GemCore SIM Pro (08e6:3480)")

    /// SCM Microsystems SPR532 PIN pad (04e6:e003, SPR532.txt; raw bytes in
    /// ccid-descriptors.json): a keypad for verify and modify (bPINSupport 3), no display,
    /// TPDU level (dwFeatures 0x000100BA: the reader does PPS and clock itself, the host
    /// sends SetParameters and the T=1 S(IFS)), 5V only, firmware 5.10, interface class 0xFF
    /// with the CCID descriptor in the interface as usual. libccid drives it as a PIN pad;
    /// its PIN blocks travel in the host's T=1 session (bTeoPrologue).
    public static let spr532 = ReaderProfile(
        name: "SPRx32 USB Smart Card Reader", manufacturer: "SCM Microsystems Inc.", vendorID: 0x04E6,
        productID: 0xE003, bcdDevice: 0x0510, interfaceClass: 0xFF,
        descriptor: CCIDClassDescriptor(
            bcdCCID: 0x0100, bMaxSlotIndex: 0, bVoltageSupport: 0x01, dwProtocols: 0x03,
            dwDefaultClock: 4000, dwMaximumClock: 8000, bNumClockSupported: 0, dwDataRate: 10753,
            dwMaxDataRate: 344_105, bNumDataRatesSupported: 0, dwMaxIFSD: 254, dwSynchProtocols: 0,
            dwMechanical: 0, dwFeatures: 0x0001_00BA, dwMaxCCIDMessageLength: 270, bClassGetResponse: 0xFF,
            bClassEnvelope: 0xFF, wLcdLayout: 0, bPINSupport: 0x03, bMaxCCIDBusySlots: 1),
        provenance: "SCM SPR532 (04e6:e003), libccid readers/SPR532.txt")
}
