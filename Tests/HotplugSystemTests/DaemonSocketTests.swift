import Foundation
import Testing
import TestSupport
import UmockdevSupport

extension HotplugSystemTests.Daemon {
    /// systemd's view (READY, watchdog, STOPPING) and a subscriber's view (`trustedpath
    /// monitor` on the event socket: what is attached, then add and remove in order).
    @Test func notifiesSystemdAndStreamsToASubscriber() async throws {
        let testbed = Testbed()
        try testbed.addFixture("cyberjack-ecom")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let socketPath = directory.appendingPathComponent("events.sock").path
        let notify = try NotifySocket(path: directory.appendingPathComponent("notify").path)
        let daemon = try DaemonProcess(["--socket", socketPath],
                                       environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "200000"])
        #expect(notify.receive(startingWith: "READY=1") != nil, "\(daemon.log)")
        let attributes = try FileManager.default.attributesOfItem(atPath: socketPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)

        // Result isn't Sendable: the task hands back its plain parts.
        let monitor = Task.detached { () throws -> (Int32, [String], String) in
            let result = try CommandRunner.run(["monitor", "--socket", socketPath, "--count", "3"], timeout: .seconds(30))
            let events = result.jsonLines.map { "\($0["event"] ?? "?") \($0["idProduct"] ?? "?")" }
            return (result.status, events, result.stderr)
        }
        #expect(await daemon.waitForLog("subscriber connected"))
        try testbed.add(FixtureDevice.vendorClassReader.umockdev)
        // Unplugged only once the daemon has seen it: removed before the daemon reads its
        // sysfs descriptors, it would never have been a reader (on a loaded machine, it
        // wasn't, and the subscriber waited for a third event that never came).
        #expect(await daemon.waitForLog("reader-added 0b97:7772"), "\(daemon.log)")
        testbed.unplug(FixtureDevice.vendorClassReader.sysPath)
        let (status, events, stderr) = try await monitor.value
        #expect(status == 0, "\(stderr)")
        #expect(events == ["reader-added 0400", "reader-added 7772", "reader-removed 7772"])

        #expect(notify.receive(startingWith: "WATCHDOG=1") != nil, "WATCHDOG_USEC set: pings every 100 ms")
        #expect(await daemon.terminate() == 0, "\(daemon.log)")
        #expect(notify.receive(startingWith: "STOPPING=1") != nil)
        #expect(!FileManager.default.fileExists(atPath: socketPath), "socket file removed on exit")
        withExtendedLifetime(testbed) {}
    }
}
