import Hotplug
import Testing
import UmockdevSupport

extension HotplugSystemTests {
    @Suite("Coldplug and classification") struct Coldplug {
        @Test func coldplugReportsReadersAndPEDsOnlyOnce() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            for device in [FixtureDevice.vendorClassReader, .keyboard, .pedByID, .pedByProperty, .liar] {
                try testbed.add(device.umockdev)
            }
            let subscriber = try await Subscriber()
            let events = await subscriber.waitFor(4)
            await subscriber.stop()
            // Coldplug goes in syspath order; the root hub, keyboard and liar are not ours.
            #expect(events.map(\.short) == ["reader-added 1-1", "reader-added 1-2", "ped-added 1-4", "ped-added 1-5"])
            let ecom = try #require(events.first?.device)
            #expect(ecom.syspath == FixtureDevice.ecomSysPath)
            #expect(ecom.busnum == 1 && ecom.devnum == 5)
            #expect(ecom.vidPid == "0c4b:0400")
            #expect(ecom.product == "cyberJack e-com USB")
            #expect(events.first?.jsonLine == """
                {"event":"reader-added","syspath":"\(FixtureDevice.ecomSysPath)","busnum":1,"devnum":5,\
                "idVendor":"0c4b","idProduct":"0400","kind":"reader","product":"cyberJack e-com USB"}
                """)
            withExtendedLifetime(testbed) {}
        }

        @Test func enumerateClassifiesWithCapabilities() throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            try testbed.add(FixtureDevice.vendorClassReader.umockdev)
            try testbed.add(FixtureDevice.liar.umockdev)
            let found = try HotplugMonitor.enumerate().sorted { $0.identity.syspath < $1.identity.syspath }
            #expect(found.map(\.identity.vidPid) == ["0c4b:0400", "0b97:7772"])
            #expect(found.map(\.reason) == ["interface class 0x0B", "vendor-class interface with a CCID class descriptor"])
            let descriptor = try #require(found.last?.ccid.first?.descriptor)
            #expect(descriptor.slotCount == 1 && descriptor.supportsPINVerify && descriptor.supportsPINModify)
            #expect(found.last?.ccid.first?.interfaceClass == 0xFF)
            withExtendedLifetime(testbed) {}
        }
    }
}
