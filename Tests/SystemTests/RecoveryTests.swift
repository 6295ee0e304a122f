import Power
import Synchronization
import Testing
import UmockdevSupport

extension SystemTests {
    /// The recovery ladder against sysfs and usbfs as umockdev emulates them, with the test
    /// playing the kernel: when the device's `authorized` becomes 0 its interface goes,
    /// at 1 it comes back; when the port's `disable` becomes 1 the device goes, at 0 it is
    /// enumerated again at a new address. The device answers GET_DESCRIPTOR (through the
    /// real libusb, replayed by umockdev) only once its port power was cycled: a PED whose
    /// firmware hung.
    @Suite("Recovery ladder") struct Recovery {
        static let hub = "/sys/devices/pci0000:00/0000:00:14.0/usb1"
        static let hubInterface = hub + "/1-0:1.0"
        static let device = hub + "/1-2"
        static let interface = device + "/1-2:1.0"
        static let port = hubInterface + "/usb1-port2"

        static let timing = SysfsDeviceRecovery.Timing(powerOff: .milliseconds(100), reenumeration: .seconds(5),
                                                       poll: .milliseconds(10))

        static let hubDescriptors = "12010002090001406b1d020006010302010109021900010100e0000904000001090000000705810304000c"
        static let deviceDescriptor = "1201" + "0002" + "000000" + "40" + "4b0c" + "0004" + "0001" + "010203" + "01"
        /// The device descriptor, then a configuration (bmAttributes 0x80, bus powered)
        /// with one vendor-class interface and no endpoints.
        static let deviceDescriptors = deviceDescriptor + "090212000101008032" + "0904000000ff000000"

        static let getDescriptor: [UInt8] = [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 18, 0]
        static let getHubDescriptor: [UInt8] = [0xA0, 0x06, 0x00, 0x29, 0x00, 0x00, 64, 0]

        static func hubText() -> String {
            """
            P: \(hub.dropFirst(4))
            N: bus/usb/001/001=\(hubDescriptors.uppercased())
            E: BUSNUM=001
            E: DEVNUM=001
            E: DEVNAME=/dev/bus/usb/001/001
            E: DEVTYPE=usb_device
            E: DRIVER=usb
            E: SUBSYSTEM=usb
            A: authorized=1
            A: bDeviceClass=09
            A: bmAttributes=e0
            A: busnum=1
            A: devnum=1
            A: idVendor=1d6b
            A: idProduct=0002
            A: maxchild=2
            A: speed=480
            H: descriptors=\(hubDescriptors)

            P: \(hubInterface.dropFirst(4))
            E: DEVTYPE=usb_interface
            E: DRIVER=hub
            E: SUBSYSTEM=usb
            A: bInterfaceClass=09
            A: bInterfaceNumber=00

            """
        }

        static func deviceText(address: Int, bmAttributes: String, authorized: Int = 1) -> String {
            let devnum = (address < 10 ? "00" : "0") + "\(address)"
            return """
                P: \(device.dropFirst(4))
                N: bus/usb/001/\(devnum)=\(deviceDescriptors.uppercased())
                E: BUSNUM=001
                E: DEVNUM=\(devnum)
                E: DEVNAME=/dev/bus/usb/001/\(devnum)
                E: DEVTYPE=usb_device
                E: DRIVER=usb
                E: SUBSYSTEM=usb
                A: authorized=\(authorized)
                A: bConfigurationValue=1
                A: bmAttributes=\(bmAttributes)
                A: busnum=1
                A: devnum=\(address)
                A: devpath=2
                A: idVendor=0c4b
                A: idProduct=0400
                A: speed=12
                L: port=../1-0:1.0/usb1-port2
                H: descriptors=\(deviceDescriptors)
                """ + "\n\n" + interfaceText()
        }

        static func interfaceText() -> String {
            """
            P: \(interface.dropFirst(4))
            E: DEVTYPE=usb_interface
            E: SUBSYSTEM=usb
            A: bInterfaceClass=ff
            A: bInterfaceNumber=00

            """
        }

        /// GET_DESCRIPTOR(DEVICE) `times` times, each answered with a stall (a hung
        /// device's firmware) or the descriptor.
        static func getDescriptor(_ times: Int, answered: Bool, address: UInt8) -> UsbmonCapture {
            var capture = UsbmonCapture()
            capture.deviceAddress = address
            for _ in 0..<times {
                let id = capture.submit(.control, 0x80, length: 18, setup: getDescriptor)
                if answered {
                    capture.complete(id, .control, 0x80, length: 18, data: hexBytes(deviceDescriptor))
                } else {
                    capture.complete(id, .control, 0x80, length: 0, status: -32)  // EPIPE: stall
                }
            }
            return capture
        }

        /// The root hub (address 1) answering GET_DESCRIPTOR(hub) for 2 ports with
        /// `characteristics` (bits 1..0: 00 ganged, 01 per port), then, if
        /// `portPowerCycle`, CLEAR_FEATURE and SET_FEATURE(PORT_POWER) on port 2.
        static func hubCapture(characteristics: UInt8, portPowerCycle: Bool) -> UsbmonCapture {
            var capture = UsbmonCapture()
            capture.deviceAddress = 1
            let id = capture.submit(.control, 0x80, length: 64, setup: getHubDescriptor)
            capture.complete(id, .control, 0x80, length: 9, data: [0x09, 0x29, 0x02, characteristics, 0x00, 0x32, 0x64, 0x00, 0xFF])
            for request: UInt8 in portPowerCycle ? [1, 3] : [] {  // CLEAR_FEATURE, SET_FEATURE
                let setup: [UInt8] = [0x23, request, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00]
                let id = capture.submit(.control, 0x00, length: 0, setup: setup)
                capture.complete(id, .control, 0x00, length: 0)
            }
            return capture
        }

        /// The probe the CLI uses: the device is back in sysfs and answers GET_DESCRIPTOR.
        static func answers(_ recovery: SysfsDeviceRecovery) async -> Bool {
            guard let address = recovery.address() else { return false }
            return await USBControl.answers(bus: address.bus, address: address.address, timeoutMilliseconds: 500)
        }

        /// A testbed with the root hub, its port 2 (with `disable` when `portDisable`) and
        /// the device at address 5, which stalls every GET_DESCRIPTOR until power cycled.
        static func testbed(portDisable: Bool, bmAttributes: String = "80") throws -> Testbed {
            let testbed = Testbed()
            try testbed.add(hubText())
            if portDisable { testbed.setAttribute(hubInterface, "usb1-port2/disable", "0") }
            try testbed.add(deviceText(address: 5, bmAttributes: bmAttributes))
            try testbed.loadPcap(device, getDescriptor(3, answered: false, address: 5))
            return testbed
        }

        @Test func portPowerCycleBringsBackAHungDevice() async throws {
            let testbed = try Self.testbed(portDisable: true)
            let kernel = KernelPlay(testbed)
            let recovery = try SysfsDeviceRecovery(locating: "1:5", timing: Self.timing)
            #expect(recovery.portPath == "/sys/bus/usb/devices/1-0:1.0/usb1-port2", "from the device's port link")
            let outcome = await RecoveryLadder().run(recovery) { await Self.answers(recovery) }
            let seen = await kernel.stop()
            #expect(outcome == .recovered(by: .portPowerCycle, attempts: [
                RecoveryAttempt(step: .usbReset, result: .noAnswer),
                RecoveryAttempt(step: .reauthorize, result: .noAnswer),
                RecoveryAttempt(step: .portPowerCycle, result: .answered),
            ]))
            #expect(seen == ["authorized=0", "authorized=1", "disable=1", "disable=0"])
            #expect(recovery.address() == USBAddress(bus: 1, address: 6), "enumerated again at a new address")
            withExtendedLifetime(testbed) {}
        }

        /// No `disable` attribute (kernel before 6.0) and a hub that switches all ports
        /// together: port power can't be cycled, and the ladder ends asking for a replug.
        @Test func gangedHubWithoutDisableEndsInAReplug() async throws {
            let testbed = try Self.testbed(portDisable: false)
            try testbed.loadPcap(Self.hub, Self.hubCapture(characteristics: 0x00, portPowerCycle: false))
            let kernel = KernelPlay(testbed)
            let recovery = try SysfsDeviceRecovery(locating: Self.device, timing: Self.timing)
            let outcome = await RecoveryLadder().run(recovery) { await Self.answers(recovery) }
            let seen = await kernel.stop()
            #expect(seen == ["authorized=0", "authorized=1"])
            let portAttempt = outcome.attempts.last
            #expect(portAttempt == RecoveryAttempt(step: .portPowerCycle, result: .notPossible(
                "/sys/bus/usb/devices/1-0:1.0/usb1-port2/disable does not exist (kernel before 6.0, or no such port), "
                    + "and hub usb1 (1:1) has ganged power switching: port 2 can't be switched off on its own")))
            let advice = try #require(outcome.replugAdvice(device: "the PED (1-2)"))
            #expect(!advice.externallyPowered)
            #expect(advice.description.hasSuffix("Unplug its USB cable, wait 5 seconds, and plug it back in."))
            withExtendedLifetime(testbed) {}
        }

        /// No `disable` attribute, a hub with per-port switching: CLEAR_FEATURE then
        /// SET_FEATURE(PORT_POWER) on port 2, byte for byte (umockdev completes only
        /// control transfers that match the recording).
        @Test func perPortHubIsCycledWithTheClassRequest() async throws {
            let testbed = try Self.testbed(portDisable: false)
            try testbed.loadPcap(Self.hub, Self.hubCapture(characteristics: 0x09, portPowerCycle: true))
            let recovery = try SysfsDeviceRecovery(locating: "0c4b:0400", timing: Self.timing)
            try await recovery.perform(.portPowerCycle)
            #expect(recovery.isBack())
            withExtendedLifetime(testbed) {}
        }

        /// bmAttributes 0xC0 (self-powered): the port is left alone, and the advice asks
        /// for the power supply to be unplugged too.
        @Test func externallyPoweredDeviceIsNotPortCycled() async throws {
            let testbed = try Self.testbed(portDisable: true, bmAttributes: "c0")
            let kernel = KernelPlay(testbed)
            let recovery = try SysfsDeviceRecovery(locating: "1-2", timing: Self.timing)
            let outcome = await RecoveryLadder().run(recovery) { await Self.answers(recovery) }
            let seen = await kernel.stop()
            #expect(seen == ["authorized=0", "authorized=1"], "disable never written")
            let advice = try #require(outcome.replugAdvice(device: "the PED (1-2)"))
            #expect(advice.externallyPowered)
            #expect(advice.description.contains("port-power-cycle: not possible (externally powered: switching the "
                                                + "port's power does not reset 1-2; unplug its power supply)"))
            #expect(advice.description.contains("Unplug its USB cable and its power supply"))
            withExtendedLifetime(testbed) {}
        }
    }

    /// The test's stand-in for the kernel, watching the attributes a recovery step writes
    /// and changing the testbed as the kernel would change sysfs.
    ///
    /// @unchecked Sendable: the testbed (glib, not thread-safe) is touched only by the
    /// watching task between start and `stop()`, and by the test only after `stop()`.
    final class KernelPlay: @unchecked Sendable {
        typealias R = Recovery
        private let testbed: Testbed
        private let stopping = Mutex(false)
        private var task: Task<[String], Never>?

        init(_ testbed: Testbed) {
            self.testbed = testbed
            task = Task { [self] in await watch() }
        }

        /// Stops watching; what was seen, in order ("authorized=0", "disable=1", ...).
        func stop() async -> [String] {
            stopping.withLock { $0 = true }
            return await task?.value ?? []
        }

        private func watch() async -> [String] {
            let sysfs = Sysfs()
            var seen: [String] = []
            var authorized = "1"
            var disable = "0"
            /// The attribute's value when it differs from `last`. Empty is skipped: caught
            /// between the writer's O_TRUNC and its write (regular files here, not the kernel's).
            func changed(_ path: String, _ name: String, from last: inout String) -> String? {
                guard let now = sysfs.read(path + "/" + name), !now.isEmpty, now != last else { return nil }
                last = now
                seen.append("\(name)=\(now)")
                return now
            }
            func remove(_ path: String) {
                testbed.uevent(path, "remove")
                testbed.removeDevice(path)
            }
            // One more look after `stop()`: the last write may have come just before it.
            var last = false
            while !last {
                last = stopping.withLock { $0 }
                switch changed(R.device, "authorized", from: &authorized) {
                case "0": remove(R.interface)
                case "1":
                    try? testbed.add(R.interfaceText())
                    testbed.uevent(R.interface, "add")
                default: break
                }
                switch changed(R.port, "disable", from: &disable) {
                case "1":
                    // Interface first, as the kernel does; umockdev's remove_device leaves
                    // a child's /sys/bus link behind, and re-adding it would trap.
                    remove(R.interface)
                    remove(R.device)
                case "0":
                    // Authorized only once its replay is loaded: the recovery takes
                    // authorized=1 as "back" and probes at once.
                    try? testbed.add(R.deviceText(address: 6, bmAttributes: "80", authorized: 0))
                    try? testbed.loadPcap(R.device, R.getDescriptor(1, answered: true, address: 6))
                    testbed.setAttribute(R.device, "authorized", "1")
                    authorized = "1"
                    testbed.uevent(R.device, "add")
                default: break
                }
                try? await Task.sleep(for: .milliseconds(5))
            }
            return seen
        }
    }
}
