import Foundation
import Testing
import TestSupport
import UmockdevSupport

extension HotplugSystemTests.Coldplug {
    /// `trustedpath devices --json` as a child sharing the testbed: readers and PEDs with
    /// capabilities; the hub, the keyboard and the liar left out.
    @Test func devicesCommandListsReadersAndPEDs() throws {
        let testbed = Testbed()
        try testbed.addFixture("cyberjack-ecom")
        for device in [FixtureDevice.vendorClassReader, .keyboard, .pedByID, .liar] {
            try testbed.add(device.umockdev)
        }
        let listed = try CommandRunner.run(["devices", "--json", "--no-card-state"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let objects = listed.jsonLines
        #expect(objects.map { "\($0["kind"] ?? "?") \($0["idVendor"] ?? "?"):\($0["idProduct"] ?? "?")" }
                == ["reader 0c4b:0400", "reader 0b97:7772", "ped 1209:7e50"])
        let capabilities = objects.first?["capabilities"] as? [String: Any]
        #expect(capabilities?["slots"] as? Int == 1)
        #expect(capabilities?["pinVerify"] as? Bool == true)
        // wLcdLayout 0x1002 of the fixture's stand-in descriptor: XX lines (0x10), YY characters (0x02).
        let lcd = capabilities?["lcd"] as? [String: Any]
        #expect(lcd?["lines"] as? Int == 16 && lcd?["characters"] as? Int == 2)

        // With card state: no recording answers GetSlotStatus here, so it says why it can't tell.
        let withCards = try CommandRunner.run(["devices", "--json"])
        let cards = withCards.jsonLines.first?["cards"] as? [String]
        #expect(cards?.count == 1)
        #expect(cards?.first?.hasPrefix("unknown: ") == true, "\(cards ?? [])")
        withExtendedLifetime(testbed) {}
    }
}
