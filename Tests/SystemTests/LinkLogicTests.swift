import CLibUSB
@testable import LibUSBLink
import Testing
import USBLink

/// The plain-code parts of LibUSBLink (no libusb device needed, so not in the umockdev tier).
@Suite("LibUSBLink logic") struct LinkLogicTests {
    @Test(arguments: [
        ("0c4b:0400", LibUSBDeviceSelector.vendorProduct(vendorID: 0x0c4b, productID: 0x0400, serial: nil)),
        ("0C4B:0300:ABC:1", .vendorProduct(vendorID: 0x0c4b, productID: 0x0300, serial: "ABC:1")),
        ("1:5", .busAddress(bus: 1, address: 5)),
        ("001:005", .busAddress(bus: 1, address: 5)),
        ("001/005", .busAddress(bus: 1, address: 5)),
        ("3/127", .busAddress(bus: 3, address: 127)),
    ])
    func selectorParses(_ text: String, _ expected: LibUSBDeviceSelector) {
        #expect(LibUSBDeviceSelector(parsing: text) == expected)
    }

    @Test(arguments: ["", "0c4b", "0c4b:", "0c4b:0400:", "1:256", "1/2/3", "zzzz:0400", "1:x", "001:005:7"])
    func selectorRejects(_ text: String) {
        #expect(LibUSBDeviceSelector(parsing: text) == nil)
    }

    static let ccid = hexBytes(
        "36211001000703000000e8030000e803000001800a0000800a000001fe0000000000000000000000b0040400f6030000ffff02100301")
    static let bulkOut = InterfaceDescription.Endpoint(address: 0x02, attributes: 0x02, extra: [])
    static let bulkIn = InterfaceDescription.Endpoint(address: 0x82, attributes: 0x02, extra: [])
    static let interrupt = InterfaceDescription.Endpoint(address: 0x81, attributes: 0x03, extra: [])

    @Test func ccidInterfaceWithDescriptorOnTheInterface() throws {
        let interface = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0x0B,
                                             extra: Self.ccid, endpoints: [Self.bulkOut, Self.bulkIn, Self.interrupt])
        let reader = try #require(ReaderInterface(choosingFrom: [interface]))
        #expect(reader.bulkOut == 0x02 && reader.bulkIn == 0x82 && reader.interruptIn == 0x81)
        #expect(reader.classDescriptor == Self.ccid)
    }

    /// REINER cyberJack 0c4b:0300 and OZ776: vendor class, descriptor after the last endpoint.
    @Test func vendorInterfaceWithDescriptorOnTheLastEndpoint() throws {
        var last = Self.interrupt
        last.extra = Self.ccid
        let storage = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0x08, extra: [],
                                           endpoints: [Self.bulkOut, Self.bulkIn])
        let vendor = InterfaceDescription(number: 1, alternateSetting: 0, interfaceClass: 0xFF, extra: [],
                                          endpoints: [Self.bulkIn, Self.bulkOut, last])
        let reader = try #require(ReaderInterface(choosingFrom: [storage, vendor]))
        #expect(reader.number == 1 && reader.interfaceClass == 0xFF)
        #expect(reader.classDescriptor == Self.ccid)
    }

    @Test func vendorInterfaceWithoutDescriptorIsNoReader() {
        let vendor = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0xFF, extra: [],
                                          endpoints: [Self.bulkOut, Self.bulkIn, Self.interrupt])
        #expect(ReaderInterface(choosingFrom: [vendor]) == nil)
    }

    /// The PED: a vendor-class interface with two bulk endpoints and no CCID descriptor.
    @Test func vendorBulkKindTakesAPlainVendorInterfaceAndNoReader() throws {
        let ped = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0xFF, extra: [],
                                       endpoints: [Self.bulkOut, Self.bulkIn])
        let found = try #require(ReaderInterface(choosingFrom: [ped], kind: .vendorBulk))
        #expect(found.bulkOut == 0x02 && found.bulkIn == 0x82 && found.interruptIn == nil && found.classDescriptor.isEmpty)
        var last = Self.bulkIn
        last.extra = Self.ccid
        let reader = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0xFF, extra: [],
                                          endpoints: [Self.bulkOut, last])
        #expect(ReaderInterface(choosingFrom: [reader], kind: .vendorBulk) == nil)
        let ccid = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0x0B, extra: Self.ccid,
                                        endpoints: [Self.bulkOut, Self.bulkIn])
        #expect(ReaderInterface(choosingFrom: [ccid], kind: .vendorBulk) == nil)
        #expect(ReaderInterface(choosingFrom: [ped, ccid], kind: .cardReader)?.interfaceClass == 0x0B)
    }

    @Test func ccidInterfaceNeedsBothBulkEndpoints() {
        let interface = InterfaceDescription(number: 0, alternateSetting: 0, interfaceClass: 0x0B,
                                             extra: Self.ccid, endpoints: [Self.bulkOut, Self.interrupt])
        #expect(ReaderInterface(choosingFrom: [interface]) == nil)
    }

    @Test(arguments: [[UInt8](), [0x00, 0x21], [0x36, 0x21, 0x10], [0x09, 0x24, 0, 0, 0, 0, 0, 0, 0, 0x36]])
    func malformedExtraYieldsNoDescriptor(_ extra: [UInt8]) {
        #expect(ReaderInterface.classDescriptor(in: extra) == nil)
    }

    @Test func descriptorAfterAnotherOne() {
        #expect(ReaderInterface.classDescriptor(in: [0x05, 0x24, 1, 2, 3] + Self.ccid) == Self.ccid)
    }

    @Test(arguments: [
        (LIBUSB_ERROR_BUSY, USBError.Code.busy), (LIBUSB_ERROR_ACCESS, .accessDenied),
        (LIBUSB_ERROR_NO_DEVICE, .noDevice), (LIBUSB_ERROR_PIPE, .stall), (LIBUSB_ERROR_TIMEOUT, .timeout),
        (LIBUSB_ERROR_OVERFLOW, .overflow), (LIBUSB_ERROR_IO, .io), (LIBUSB_ERROR_NOT_SUPPORTED, .io),
    ])
    func libusbErrorsMap(_ error: libusb_error, _ code: USBError.Code) {
        let mapped = LibUSBStatus.error(error.rawValue, "claiming interface 0")
        #expect(mapped.code == code)
        #expect(mapped.context.hasSuffix(String(cString: libusb_error_name(error.rawValue))))
    }

    @Test func busyNamesPcscd() {
        #expect(LibUSBStatus.error(LIBUSB_ERROR_BUSY.rawValue, "claim").description.contains("pcscd"))
        #expect(LibUSBStatus.error(LIBUSB_ERROR_ACCESS.rawValue, "open").description.contains("60-trustedpath.rules"))
    }
}
