import LibUSBLink
import Testing
import UmockdevSupport
import USBLink

extension SystemTests {
    @Suite("Enumerate and open") struct Discovery {
        /// The cyberJack go's descriptor, as in Fixtures/README.md.
        static let classDescriptor = hexBytes(
            "36211001000703000000e8030000e803000001800a0000800a000001fe0000000000000000000000b0040400f6030000ffff02100301")

        @Test func enumerateFindsTheReader() throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let readers = try LibUSBLink.enumerate()
            #expect(readers.count == 1, "the root hub is not a reader")
            let reader = try #require(readers.first)
            #expect(reader.vendorID == 0x0c4b)
            #expect(reader.productID == 0x0400)
            #expect(reader.bcdDevice == 0x0100)
            #expect(reader.busNumber == 1)
            #expect(reader.deviceAddress == 5)
            #expect(reader.serialNumber == "TP0400000001")
            #expect(reader.interfaceNumber == 0)
            #expect(reader.interfaceClass == 0x0B)
            #expect(reader.bulkOutEndpoint == 0x02)
            #expect(reader.bulkInEndpoint == 0x82)
            #expect(reader.interruptInEndpoint == 0x81)
            #expect(reader.classDescriptor == Self.classDescriptor)
        }

        @Test func enumerateFindsAVendorClassReaderByItsEndpointDescriptor() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            try testbed.addFixture("cyberjack-vendor-class")
            let readers = try LibUSBLink.enumerate().sorted { $0.deviceAddress < $1.deviceAddress }
            #expect(readers.map(\.productID) == [0x0400, 0x0300])
            let vendor = try #require(readers.last)
            #expect(vendor.interfaceClass == 0xFF)
            #expect(vendor.classDescriptor == Self.classDescriptor)
            #expect(vendor.bulkOutEndpoint == 0x02 && vendor.bulkInEndpoint == 0x82 && vendor.interruptInEndpoint == 0x81)
            #expect(vendor.serialNumber == nil)
            let link = try await LibUSBLink.open("0c4b:0300")
            #expect(link.device.deviceAddress == 6)
            await link.close()
        }

        @Test("open by a selector string", arguments: ["0c4b:0400", "0c4b:0400:TP0400000001", "1:5", "001/005"])
        func openBy(_ text: String) async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let link = try await LibUSBLink.open(text)
            #expect(link.device.vendorID == 0x0c4b)
            #expect(link.device.deviceAddress == 5)
            #expect(link.device.serialNumber == "TP0400000001")
            await link.close()
            await link.close()  // idempotent
        }

        @Test("no match is .noDevice", arguments: ["0c4b:0300", "0c4b:0400:OTHER", "1:6"])
        func noMatch(_ text: String) async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            await #expect(throws: USBError(.noDevice, "no reader matches \(LibUSBDeviceSelector(parsing: text)!)")) {
                _ = try await LibUSBLink.open(text)
            }
        }
    }
}
