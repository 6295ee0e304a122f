@testable import Hotplug
import Testing

/// The plain-code parts of Hotplug (no testbed: they run in the parent process too).
@Suite("Hotplug logic", .enabled(if: !Umockdev.isIsolated, "ran in the parent process already"))
struct HotplugLogicTests {
    static func snapshot(_ descriptors: String, vid: UInt16 = 0xdead, pid: UInt16 = 0xbeef,
                         property: String? = nil, product: String? = nil) -> USBDeviceSnapshot {
        USBDeviceSnapshot(syspath: "/sys/devices/x/1-9", busnum: 1, devnum: 9, idVendor: vid, idProduct: pid,
                          product: product, trustedPathDevice: property, descriptors: hexBytes(descriptors))
    }

    @Test("descriptors that lie are no reader, and no crash", arguments: [
        "",                                                     // empty
        "00",                                                   // bLength 0
        "1201",                                                 // cut in the device descriptor
        "120100020000004000000000000000000001" + "0002",        // bLength 0 after the device
        "09040000030000000036ff",                               // CCID-typed bytes after a 0x00-class interface
        FixtureDevice.liar.descriptors,                         // truncated class descriptor
        "0904000003FF000000" + String(repeating: "36", count: 54), // bLength 0x36 but type 0x36
    ])
    func lyingDescriptors(_ hex: String) {
        #expect(DeviceClassifier.classify(Self.snapshot(hex)) == nil)
    }

    @Test func hidDescriptorOfType0x21IsNotCCID() {
        #expect(DeviceClassifier.classify(Self.snapshot(FixtureDevice.keyboard.descriptors)) == nil)
    }

    @Test func pedPropertyWinsOverACCIDInterface() throws {
        let result = try #require(DeviceClassifier.classify(
            Self.snapshot(FixtureDevice.vendorClassReader.descriptors, property: "ped")))
        #expect(result.identity.role == .ped && result.ccid.isEmpty)
    }

    @Test func knownReaderIDWithoutDescriptors() throws {
        let result = try #require(DeviceClassifier.classify(Self.snapshot("", vid: 0x0c4b, pid: 0x0300)))
        #expect(result.identity.role == .reader && result.reason == "known reader ID")
    }

    @Test func jsonLineEscapesDeviceStrings() {
        let device = USBDeviceIdentity(syspath: "/sys/a", busnum: 3, devnum: 12, idVendor: 0x0b, idProduct: 0xa,
                                       product: "x\"\\\n\u{01}é", role: .ped)
        #expect(DeviceEvent(.pedUnresponsive, device: device).jsonLine == #"""
            {"event":"ped-unresponsive","syspath":"/sys/a","busnum":3,"devnum":12,"idVendor":"000b","idProduct":"000a","kind":"ped","product":"x\"\\\n\u0001é"}
            """#)
    }

    @Test func interfaceListProperty() {
        #expect(UdevContext.classes(inInterfaceList: ":0b0000:ff0000:030101:") == [0x0b, 0xff, 0x03])
        #expect(UdevContext.classes(inInterfaceList: "garbage") == [])
    }

    @Test func registryDebounceSaysOnlyTheDifference() throws {
        let reader = try #require(DeviceClassifier.classify(
            Self.snapshot(FixtureDevice.vendorClassReader.descriptors)))
        var registry = DeviceRegistry(debounce: .milliseconds(100))
        let start = ContinuousClock.now
        #expect(registry.observe(reader.identity.syspath, reader, at: start, settled: true).map(\.kind) == [.readerAdded])
        #expect(registry.observe(reader.identity.syspath, nil, at: start).isEmpty)
        #expect(registry.observe(reader.identity.syspath, reader, at: start + .milliseconds(50)).isEmpty)
        #expect(registry.nextDeadline == start + .milliseconds(150))
        #expect(registry.due(at: start + .milliseconds(149)).isEmpty)
        #expect(registry.due(at: start + .milliseconds(150)).isEmpty, "present before and after: nothing to say")
        #expect(registry.nextDeadline == nil, "nothing pending: the monitor sleeps with no timeout")
        var moved = reader
        moved.identity.devnum = 10
        #expect(registry.observe(reader.identity.syspath, moved, at: start + .seconds(1)).isEmpty)
        #expect(registry.due(at: start + .seconds(2)).map(\.kind) == [.readerRemoved, .readerAdded],
                "a new address at the same port is a replug")
    }
}

/// "6500" → [0x65, 0x00]. Test-only; traps on bad input (it is ours).
func hexBytes(_ text: String) -> [UInt8] {
    let digits = Array(text.filter { !$0.isWhitespace })
    precondition(digits.count % 2 == 0, "odd hex length")
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
