/// USB devices in umockdev's text format, built from their descriptors here so that each
/// test shows what it adds; each on its own port behind the root hub of
/// Tests/SystemTests/Fixtures/cyberjack-ecom.umockdev (load that first: a cyberJack e-com
/// 0c4b:0400 with a class 0x0B interface on bus 1 address 5, and a root hub 1d6b:0002 of
/// class 0x09, which is also the coldplug test's "not ours" device). All hand-built, no
/// hardware recorded.
struct FixtureDevice {
    var port: String
    var devnum: Int
    var idVendor: UInt16
    var idProduct: UInt16
    var product: String
    /// The sysfs `descriptors` file (and the usbfs node): device descriptor + configuration.
    var descriptors: String
    var properties: [String] = []

    var sysPath: String { "/sys/devices/pci0000:00/0000:00:14.0/usb1/\(port)" }

    var umockdev: String {
        let vid = hex4(idVendor), pid = hex4(idProduct)
        let dev = String(repeating: "0", count: 3 - String(devnum).count) + String(devnum)
        return """
        P: /devices/pci0000:00/0000:00:14.0/usb1/\(port)
        N: bus/usb/001/\(dev)=\(descriptors)
        E: BUSNUM=001
        E: DEVNAME=/dev/bus/usb/001/\(dev)
        E: DEVNUM=\(dev)
        E: DEVTYPE=usb_device
        E: DRIVER=usb
        E: SUBSYSTEM=usb
        E: ID_VENDOR_ID=\(vid)
        E: ID_MODEL_ID=\(pid)
        \(properties.map { "E: \($0)\n" }.joined())A: authorized=1
        A: busnum=1
        A: devnum=\(devnum)
        A: idVendor=\(vid)
        A: idProduct=\(pid)
        A: product=\(product)
        H: descriptors=\(descriptors)

        """
    }

    /// The reader of cyberjack-ecom.umockdev (class 0x0B), for events that name it.
    static let ecomSysPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
    static let rootHubSysPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1"

    /// Vendor class 0xFF, CCID descriptor after the last endpoint (the cyberJack 0c4b:0300
    /// layout of Tests/SystemTests/Fixtures), under the O2Micro OZ776's ID 0b97:7772, which
    /// is in no table here: only the descriptor can make it a reader.
    static let vendorClassReader = FixtureDevice(
        port: "1-2", devnum: 6, idVendor: 0x0b97, idProduct: 0x7772, product: "OZ776-like vendor-class reader",
        descriptors: "1201100100000008970B7277020101020001" + "09025D0001010080320904000003FF000000"
            + "070502024000000705820240000007058103080010"
            + "36211001000703000000E8030000E803000001800A0000800A000001FE0000000000000000000000B0040400F6030000FFFF02100301")

    /// A HID keyboard (class 0x03; its 9-byte HID descriptor is also type 0x21): not ours.
    static let keyboard = FixtureDevice(
        port: "1-3", devnum: 7, idVendor: 0x046d, idProduct: 0xc31c, product: "USB Keyboard",
        descriptors: "12010002000000086D041CC3000101020001" + "09022200010100A032" + "090400000103010100"
            + "092111010001223F00" + "0705810308000A")

    /// A PED by the placeholder ID of KnownDevices.peds; vendor class, bulk OUT 0x02 and IN
    /// 0x82 (docs/ped-protocol.md).
    static let pedByID = FixtureDevice(
        port: "1-4", devnum: 8, idVendor: 0x1209, idProduct: 0x7e50, product: "PED",
        descriptors: pedDescriptors(vid: "0912", pid: "507E"))

    /// A PED by the udev property our rules set, with an ID no table knows.
    static let pedByProperty = FixtureDevice(
        port: "1-5", devnum: 9, idVendor: 0x1234, idProduct: 0x5678, product: "PED by rule",
        descriptors: pedDescriptors(vid: "3412", pid: "7856"), properties: ["TRUSTEDPATH_DEVICE=ped"])

    /// Lies: wTotalLength 93 but the blob stops inside a 54-byte 0x21 descriptor after a
    /// vendor-class interface; unknown ID. Must be ignored, with no crash.
    static let liar = FixtureDevice(
        port: "1-6", devnum: 10, idVendor: 0xdead, idProduct: 0xbeef, product: "Liar",
        descriptors: "1201100100000008ADDEEFBE020101020001" + "09025D0001010080320904000003FF000000"
            + "07050202400000" + "362110010007030000")

    private static func pedDescriptors(vid: String, pid: String) -> String {
        "1201000200000040" + vid + pid + "000101020001" + "09022000010100803209040000" + "02FF000000"
            + "07050202400000" + "07058202400000"
    }
}

private func hex4(_ value: UInt16) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
}
