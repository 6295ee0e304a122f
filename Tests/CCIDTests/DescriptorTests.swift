import CCID
import Foundation
import Testing

@Suite struct DescriptorTests {
    /// A pinpad reader's descriptor (two-line LCD, verify and modify, short APDU, 2 slots).
    static let pinpad = CCIDClassDescriptor(
        bcdCCID: 0x0110, bMaxSlotIndex: 1, bVoltageSupport: 0x03, dwProtocols: 0x3, dwDefaultClock: 4800,
        dwMaximumClock: 12000, bNumClockSupported: 0, dwDataRate: 12903, dwMaxDataRate: 825806,
        bNumDataRatesSupported: 0, dwMaxIFSD: 254, dwSynchProtocols: 0, dwMechanical: 0,
        dwFeatures: 0x0002_04BA, dwMaxCCIDMessageLength: 1034, bClassGetResponse: 0xFF, bClassEnvelope: 0xFF,
        wLcdLayout: 0x0210, bPINSupport: 0x03, bMaxCCIDBusySlots: 1)

    @Test func capabilities() {
        let d = Self.pinpad
        #expect(d.exchangeLevel == .shortAPDU && d.version == "1.10" && d.slotCount == 2)
        #expect(d.supportsPINVerify && d.supportsPINModify)
        #expect(d.lcdLayout?.lines == 2 && d.lcdLayout?.characters == 16)
        #expect(d.voltages == ["5.0V", "3.0V"] && d.protocols == [0, 1])
        #expect(d.features.names == ["autoParameterConfiguration", "autoVoltageSelection", "autoClockChange",
                                     "autoBaudRateChange", "autoPPS", "autoIFSDExchange"])
        #expect(d.maxMessageLength == 1034)
        #expect(CCIDExchangeLevel(features: 0x0004_0000) == .extendedAPDU)
        #expect(CCIDExchangeLevel(features: 0).name == "character")
        #expect(d.listing.contains("   2 lines of 16 characters"))
        #expect(d.listing.contains("   02.... Short APDU level exchange"))
        #expect(d.listing.contains("   ..04.. Automatic IFSD exchange as first exchange (T=1)"))
    }

    @Test func jsonKeysInContractOrder() {
        let text = Self.pinpad.json.rendered
        let keys = ["bcdCCID", "bMaxSlotIndex", "bVoltageSupport", "dwProtocols", "dwDefaultClock",
                    "dwMaximumClock", "bNumClockSupported", "dwDataRate", "dwMaxDataRate",
                    "bNumDataRatesSupported", "dwMaxIFSD", "dwSynchProtocols", "dwMechanical", "dwFeatures",
                    "dwMaxCCIDMessageLength", "bClassGetResponse", "bClassEnvelope", "wLcdLayout",
                    "bPINSupport", "bMaxCCIDBusySlots", "exchangeLevel"]
        var cursor = text.startIndex
        for key in keys {
            guard let range = text.range(of: "\"\(key)\":", range: cursor..<text.endIndex) else {
                Issue.record("\(key) missing or out of order"); return
            }
            cursor = range.upperBound
        }
        #expect(text.hasPrefix(#"{"bcdCCID":272,"#) && text.hasSuffix(#""exchangeLevel":"shortAPDU"}"#))
    }

    @Test func jsonStringsAreEscaped() throws {
        let value = JSONValue.error("a \"quote\", a \\ and \n\u{01}é")
        #expect(value.rendered == #"{"error":"a \"quote\", a \\ and \n\u0001é"}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(value.rendered.utf8)) as? [String: String]
        #expect(parsed?["error"] == "a \"quote\", a \\ and \n\u{01}é")
    }

    @Test func rejectsWrongLengthAndType() {
        var bytes = Self.pinpad.encode()
        #expect(throws: CCIDError.self) { try CCIDClassDescriptor(parsing: Array(bytes.prefix(53))) }
        bytes[1] = 0x24
        #expect { try CCIDClassDescriptor(parsing: bytes) } throws: {
            ($0 as? CCIDError).map { $0.field == "bDescriptorType" && $0.offset == 1 } ?? false
        }
        bytes[1] = 0x21; bytes[0] = 0x35
        #expect { try CCIDClassDescriptor(parsing: bytes) } throws: { ($0 as? CCIDError)?.field == "bLength" }
    }

    static func configuration(interfaceClass: UInt8, descriptorLast: Bool) -> [UInt8] {
        let interface: [UInt8] = [9, 4, 0, 0, 3, interfaceClass, 0, 0, 0]
        let endpoints: [UInt8] = [7, 5, 0x81, 2, 64, 0, 0, 7, 5, 0x02, 2, 64, 0, 0, 7, 5, 0x83, 3, 8, 0, 24]
        let ccid = pinpad.encode()
        let body = interface + (descriptorLast ? endpoints + ccid : ccid + endpoints)
        let total = 9 + body.count
        return [9, 2, UInt8(total & 0xFF), UInt8(total >> 8), 1, 1, 0, 0x80, 50] + body
    }

    @Test func locatorFindsDescriptorAfterInterfaceOrLastEndpoint() throws {
        let standard = try CCIDDescriptorLocator.locate(in: Self.configuration(interfaceClass: 0x0B, descriptorLast: false))
        #expect(standard.offset == 18 && standard.descriptor == Self.pinpad && standard.interfaceClass == 0x0B)
        // REINER SCT cyberJack style: class 0xFF, descriptor after the endpoints.
        let cyberJack = try CCIDDescriptorLocator.locate(in: Self.configuration(interfaceClass: 0xFF, descriptorLast: true))
        #expect(cyberJack.offset == 18 + 21 && cyberJack.descriptor == Self.pinpad)
        #expect(throws: CCIDError.self) {
            try CCIDDescriptorLocator.locate(in: Self.configuration(interfaceClass: 0x08, descriptorLast: false))
        }
        // A zero bLength must end the walk, not loop.
        #expect(CCIDDescriptorLocator.locateAll(in: [9, 2, 0, 0, 0, 0]).isEmpty)
    }
}
