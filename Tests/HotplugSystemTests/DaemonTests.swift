import Foundation
import POSIXSupport
import Testing
import UmockdevSupport

extension HotplugSystemTests {
    /// trustedpathd itself, as a child process sharing the test's umockdev testbed.
    @Suite("trustedpathd") struct Daemon {
        /// Coldplug, then a card inserted and removed, replayed on the reader's interrupt
        /// endpoint (RDR_to_PC_NotifySlotChange 50 03, then 50 02), then a clean SIGTERM.
        @Test func cardInsertedAndRemovedFromTheInterruptEndpoint() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            var capture = UsbmonCapture()
            // CCIDReader asks for max(4, 1 + 2 bits per slot) bytes.
            capture.interruptIn(0x81, length: 4, reply: [0x50, 0x03])
            capture.interruptIn(0x81, length: 4, reply: [0x50, 0x02])
            capture.interruptIn(0x81, length: 4, reply: nil)
            try testbed.loadPcap(FixtureDevice.ecomSysPath, capture)
            let daemon = try DaemonProcess(["--json", "--no-socket", "--card-events"])
            let lines = await daemon.waitForLines(3)
            let status = await daemon.terminate()
            let events = DaemonEvents.objects(lines)
            #expect(events.map { $0["event"] as? String ?? "?" } == ["reader-added", "card-inserted", "card-removed"],
                    "\(daemon.log)")
            #expect(events.dropFirst().allSatisfy { $0["slot"] as? Int == 0 && $0["idProduct"] as? String == "0400" })
            #expect(status == 0, "\(daemon.log)")
            withExtendedLifetime(testbed) {}
        }

        /// Unplugged while the daemon opens it for card events: logged, and the daemon goes on.
        @Test func readerGoneWhileBeingOpenedIsLoggedNotFatal() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let daemon = try DaemonProcess(["--json", "--no-socket", "--card-events"])
            _ = await daemon.waitForLines(1)
            try testbed.add(FixtureDevice.vendorClassReader.umockdev)
            testbed.unplug(FixtureDevice.vendorClassReader.sysPath)
            testbed.unplug(FixtureDevice.ecomSysPath)
            let lines = await daemon.waitForLines(4, timeout: .seconds(3))
            let status = await daemon.terminate()
            let kinds = DaemonEvents.kinds(lines)
            #expect(kinds.first == "reader-added")
            #expect(kinds.last == "reader-removed")
            #expect(kinds.filter { $0 == "reader-added" }.count == kinds.filter { $0 == "reader-removed" }.count)
            // Which one depends on the race with the unplug; either is a clear log line.
            #expect(daemon.log.contains("no card events for this reader") || daemon.log.contains("card events stop"))
            #expect(status == 0, "\(daemon.log)")
            withExtendedLifetime(testbed) {}
        }

        /// Idle after start-up, and again after a burst of events, the daemon gives back the
        /// pages of its binary that start-up touched (--release-pages-after), and what it runs
        /// next comes back from the page cache: the unplug after the release is still reported.
        @Test func givesBackItsStartUpPagesWhenIdleAndStillServesEvents() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let daemon = try DaemonProcess(["--json", "--no-socket", "--release-pages-after", "2", "--log-level", "debug"])
            _ = await daemon.waitForLines(1)
            let executable = try #require(Self.executable(of: daemon.pid))
            let atStart = Self.cleanResidentKiB(of: executable, pid: daemon.pid)
            #expect(await daemon.waitForLog("releasing the daemon's binary pages"), "\(daemon.log)")
            try await Task.sleep(for: .milliseconds(200))
            let released = Self.cleanResidentKiB(of: executable, pid: daemon.pid)
            #expect(released < atStart / 2, "resident KiB of its binary: \(atStart) at start, \(released) once idle")
            testbed.unplug(FixtureDevice.ecomSysPath)
            let lines = await daemon.waitForLines(2)
            #expect(lines.count == 2 && lines[1].contains("\"reader-removed\""), "\(lines)")
            func releases() -> Int { daemon.log.components(separatedBy: "releasing the daemon's binary pages").count - 1 }
            let deadline = ContinuousClock.now + .seconds(10)
            while releases() < 2, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(releases() == 2, "one release after start-up and one after the unplug: \(daemon.log)")
            #expect(await daemon.terminate() == 0)
            withExtendedLifetime(testbed) {}
        }

        static func executable(of pid: Int32) -> String? {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"))
        }

        static func cleanResidentKiB(of executable: String, pid: Int32) -> Int {
            let smaps = (try? String(contentsOfFile: "/proc/\(pid)/smaps", encoding: .utf8)) ?? ""
            return CleanFilePages.mappings(smaps: smaps).filter { $0.path == executable && $0.isClean }
                .reduce(0) { $0 + $1.residentKiB }
        }
    }
}
