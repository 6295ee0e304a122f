import Foundation
import PEDProtocol
import Testing
import UmockdevSupport

extension HotplugSystemTests.Daemon {
    /// `--ped-checks`: each PED that appears gets a keep-alive through the real libusb
    /// (replayed by umockdev on its bulk endpoints 0x02/0x82, as docs/ped-protocol.md has them).
    @Suite("PED checks") struct PEDChecks {
        static let keepAlive = PEDRequest.keepAlive.frame(sequence: 1).encoded()
        static let answer = PEDReply.keepAlive.frame(sequence: 1).encoded()
        /// PEDDriver reads up to this many bytes a transfer (umockdev matches the length).
        static let readLength = 2_048

        static func events(_ lines: [String]) -> [(event: String, recovery: String?)] {
            DaemonEvents.objects(lines).map { ($0["event"] as? String ?? "?", $0["recovery"] as? String) }
        }

        /// The reader fixture and the PED, whose bulk pipes replay `keepAlives` (each the
        /// answer to one keep-alive, or nil for silence).
        static func testbed(keepAlives: [[UInt8]?]) throws -> Testbed {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            try testbed.add(FixtureDevice.pedByID.umockdev)
            var capture = UsbmonCapture()
            capture.deviceAddress = UInt8(FixtureDevice.pedByID.devnum)
            for answer in keepAlives {
                capture.bulkOut(0x02, keepAlive)
                if let answer {
                    capture.bulkIn(0x82, length: readLength, reply: answer)
                } else {
                    capture.submit(.bulk, 0x82, length: UInt32(readLength))
                }
            }
            try testbed.loadPcap(FixtureDevice.pedByID.sysPath, capture)
            return testbed
        }

        @Test func aPEDThatAnswersIsOnlyAdded() async throws {
            let testbed = try Self.testbed(keepAlives: [Self.answer])
            let daemon = try DaemonProcess(["--json", "--no-socket", "--ped-checks"])
            #expect(await daemon.waitForLog("PED answers"), "\(daemon.log)")
            let lines = daemon.lines
            #expect(await daemon.terminate() == 0, "\(daemon.log)")
            #expect(Self.events(lines).map(\.event) == ["reader-added", "ped-added"])
            withExtendedLifetime(testbed) {}
        }

        /// The keep-alive goes unanswered; the first step of the ladder (USB reset) brings it
        /// back, which the daemon reports with the step.
        @Test func aSilentPEDIsReportedAndRecovered() async throws {
            let testbed = try Self.testbed(keepAlives: [nil, Self.answer])
            let daemon = try DaemonProcess(["--json", "--no-socket", "--ped-checks"])
            let lines = await daemon.waitForLines(4, timeout: .seconds(20))
            #expect(await daemon.terminate() == 0, "\(daemon.log)")
            let events = Self.events(lines)
            #expect(events.map(\.event) == ["reader-added", "ped-added", "ped-unresponsive", "ped-recovered"], "\(daemon.log)")
            #expect(events.last?.recovery == "usb-reset", "\(daemon.log)")
            withExtendedLifetime(testbed) {}
        }
    }
}
