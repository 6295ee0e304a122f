import CCID
import Simulator
import Testing
import USBLink

/// The presets must be the real readers' descriptors byte for byte: the raw hex below is
/// from ../shared/corpus/ccid-descriptors.json (rebuilt from libccid's readers/ dumps).
@Suite struct ReaderProfileTests {
    @Test(arguments: [
        ("tpduT1Reader", "GemPCTwin.txt",
         "36210001000703000000a00f0000a00f000000002a00001640050000fe0000000000000000000000300201000f010000000000000001"),
        ("tpduT0Reader", "SCR3310.txt",
         "36211001000103000000a00f0000401f000000012a00002940050000fc0000000000000000000000ba0001000f010000ffff00000001"),
        ("extendedAPDUReader", "Identive_CLOUD_2700_R.txt",
         "36211001000703000000c0120000803e00000067320000c027090000fe0000000000000000000000ba0404000f010000ffff00000001"),
        ("multiSlotReader", "GemCoreSIMPro.txt",
         "36210001010703000000a00f0000a00f000000002a000020a1070000fe0000000000000000000000300201000f010000000000000001"),
        ("spr532", "SPR532.txt",
         "36210001000103000000a00f0000401f000000012a00002940050000fe0000000000000000000000ba0001000e010000ffff00000301"),
    ])
    func presetMatchesCorpus(preset: String, file: String, raw: String) {
        let presets: [String: ReaderProfile] = [
            "tpduT1Reader": .tpduT1Reader, "tpduT0Reader": .tpduT0Reader,
            "extendedAPDUReader": .extendedAPDUReader, "multiSlotReader": .multiSlotReader, "spr532": .spr532,
        ]
        #expect(presets[preset]?.descriptor.encode() == bytes(raw), "\(file)")
    }

    @Test func cyberJackEcomIsTheGoWithShortAPDUAndA2x16Display() {
        // cyberJack go (0c4b:0504): dwFeatures 000404B0 → 000204B0, wLcdLayout bytes 02 10 → 10 02.
        var go = bytes("36211001000703000000e8030000e803000001800a0000800a000001fe0000000000000000000000b0040400f6030000ffff02100301")
        go[42] = 0x02
        go[50] = 0x10; go[51] = 0x02
        let ecom = ReaderProfile.cyberJackEcom
        #expect(ecom.descriptor.encode() == go)
        #expect(ecom.exchangeLevel == .shortAPDU)
        #expect(ecom.displaySize?.lines == 2 && ecom.displaySize?.columns == 16)
        #expect(ecom.hasKeypad)
        #expect(ecom.vendorID == 0x0C4B && ecom.productID == 0x0400)
    }

    @Test func deviceInfoCarriesDescriptorAndEndpoints() {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        #expect(reader.device.classDescriptor == ReaderProfile.cyberJackEcom.descriptor.encode())
        #expect(reader.device.classDescriptor.count == 54)
        #expect(reader.device.bulkOutEndpoint == 0x02)
        #expect(reader.device.bulkInEndpoint == 0x82)
        #expect(reader.device.interruptInEndpoint == 0x81)
        #expect(reader.device.label == "0c4b:0400 on bus 1 address 9")
    }

    @Test func getDescriptorDeviceAndConfiguration() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        let device = try await reader.control(USBControlSetup(bmRequestType: 0x80, bRequest: 6, wValue: 0x0100,
                                                              wIndex: 0, wLength: 18), data: [], deadline: .milliseconds(100))
        #expect(device == bytes("12 01 0002 00 00 00 40 4b0c 0004 0100 01 02 00 01"))
        let config = try await reader.control(USBControlSetup(bmRequestType: 0x80, bRequest: 6, wValue: 0x0200,
                                                              wIndex: 0, wLength: 255), data: [], deadline: .milliseconds(100))
        #expect(config.count == 93)
        #expect(Array(config[0..<4]) == bytes("09 02 5d 00"))
        #expect(Array(config[18..<72]) == ReaderProfile.cyberJackEcom.descriptor.encode())
        #expect(Array(config[72...]) == bytes("07 05 02 02 4000 00  07 05 82 02 4000 00  07 05 81 03 0800 18"))
    }

    @Test func clockAndDataRateRequests() async throws {
        let ecom = SimulatedCCIDReader(profile: .cyberJackEcom)
        let clocks = try await ecom.control(USBControlSetup(bmRequestType: 0xA1, bRequest: 2, wValue: 0, wIndex: 0, wLength: 4),
                                            data: [], deadline: .milliseconds(100))
        #expect(clocks == bytes("e8030000"))
        let rates = try await ecom.control(USBControlSetup(bmRequestType: 0xA1, bRequest: 3, wValue: 0, wIndex: 0, wLength: 4),
                                           data: [], deadline: .milliseconds(100))
        #expect(rates == bytes("800a0000"))
        // The GemPC Twin has bNumClockSupported 0 and stalls, like the real one.
        let twin = SimulatedCCIDReader(profile: .tpduT1Reader)
        await #expect(throws: USBError(.stall, "GET_CLOCK_FREQUENCIES not supported by this reader")) {
            _ = try await twin.control(USBControlSetup(bmRequestType: 0xA1, bRequest: 2, wValue: 0, wIndex: 0, wLength: 4),
                                       data: [], deadline: .milliseconds(100))
        }
    }
}
