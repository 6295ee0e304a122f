import Hotplug
import Testing
import UmockdevSupport

extension HotplugSystemTests {
    @Suite("Add, remove, storms") struct Events {
        @Test func addAndRemoveSeenInOrderWithoutDuplicates() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let subscriber = try await Subscriber()
            #expect(await subscriber.waitFor(1, quiet: .zero).map(\.short) == ["reader-added 1-1"])

            // Seen at coldplug and again in an 'add' uevent: said once. (add_from_string already
            // sends an 'add' uevent, so the explicit one after it is a duplicate too.)
            testbed.uevent(FixtureDevice.ecomSysPath, "add")
            for device in [FixtureDevice.vendorClassReader, .keyboard, .pedByID] {
                try testbed.add(device.umockdev)
                testbed.uevent(device.sysPath, "add")
            }
            await subscriber.waitForUevents(7)  // paced: see waitForUevents
            testbed.unplug(FixtureDevice.ecomSysPath)
            testbed.unplug(FixtureDevice.keyboard.sysPath)
            testbed.unplug(FixtureDevice.pedByID.sysPath)
            testbed.unplug(FixtureDevice.vendorClassReader.sysPath)

            let events = await subscriber.waitFor(6)
            await subscriber.stop()
            #expect(events.map(\.short) == [
                "reader-added 1-1", "reader-added 1-2", "ped-added 1-4",
                "reader-removed 1-1", "ped-removed 1-4", "reader-removed 1-2",
            ])
            // A removed event names the device as its added event did (sysfs is gone by then).
            #expect(events[3].device == events[0].device)
            withExtendedLifetime(testbed) {}
        }

        /// In bursts of 5, each read off the socket before the next: umockdev delivers uevents over an AF_UNIX datagram socket with
        /// MSG_DONTWAIT and aborts the process on EAGAIN, which comes once more than
        /// net.unix.max_dgram_qlen (10 here) are queued. Real netlink queues up to SO_RCVBUF,
        /// which the monitor raises to 4 MiB.
        @Test func stormOf100EventsKeepsEveryEventInOrder() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let subscriber = try await Subscriber()
            for burst in 0..<25 {
                for _ in 0..<2 {
                    testbed.uevent(FixtureDevice.ecomSysPath, "remove")
                    testbed.uevent(FixtureDevice.ecomSysPath, "add")
                }
                testbed.uevent(FixtureDevice.ecomSysPath, "add")  // a duplicate: says nothing
                await subscriber.waitForUevents(5 * (burst + 1))
            }
            let events = await subscriber.waitFor(101)
            await subscriber.stop()
            let expected = ["reader-added 1-1"] + Array(repeating: ["reader-removed 1-1", "reader-added 1-1"], count: 50).flatMap { $0 }
            #expect(events.count == 101)
            #expect(events.map(\.short) == expected)
            withExtendedLifetime(testbed) {}
        }

        @Test func debouncedStormSaysOnlyTheFinalState() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let subscriber = try await Subscriber(debounce: .milliseconds(200))
            for burst in 0..<10 {
                for _ in 0..<4 {
                    testbed.uevent(FixtureDevice.ecomSysPath, "remove")
                    testbed.uevent(FixtureDevice.ecomSysPath, "add")
                }
                await subscriber.waitForUevents(8 * (burst + 1))  // see the storm test: umockdev's queue
            }
            // Present before, present after: nothing to say.
            #expect(await subscriber.waitFor(2, timeout: .milliseconds(600)).map(\.short) == ["reader-added 1-1"])
            testbed.unplug(FixtureDevice.ecomSysPath)
            let events = await subscriber.waitFor(2)
            await subscriber.stop()
            #expect(events.map(\.short) == ["reader-added 1-1", "reader-removed 1-1"])
            withExtendedLifetime(testbed) {}
        }

        /// Plugged and gone again before the monitor reads its attributes, or just after:
        /// either nothing is said or both are; never an add without its remove.
        @Test func deviceThatVanishesWhileBeingReadLeavesNoTrace() async throws {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            let subscriber = try await Subscriber()
            for device in [FixtureDevice.vendorClassReader, .pedByID] {
                try testbed.add(device.umockdev)
                testbed.uevent(device.sysPath, "add")
                testbed.unplug(device.sysPath)
            }
            let events = await subscriber.waitFor(5, timeout: .seconds(1))
            await subscriber.stop()
            let later = events.dropFirst().map(\.short)
            #expect(later.filter { $0.contains("added") }.count == later.filter { $0.contains("removed") }.count)
            #expect(try HotplugMonitor.enumerate().map(\.identity.syspath) == [FixtureDevice.ecomSysPath])
            withExtendedLifetime(testbed) {}
        }
    }
}
