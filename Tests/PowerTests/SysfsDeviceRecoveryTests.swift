import Foundation
@testable import Power
import Testing

/// The steps against a scratch sysfs: what they write, where, and how they fail. Nothing
/// plays the kernel here (the system tier does, under umockdev), so waits for a device
/// to leave run into their (short) deadline.
@Suite struct SysfsDeviceRecoveryTests {
    static let fast = SysfsDeviceRecovery.Timing(powerOff: .milliseconds(10), reenumeration: .milliseconds(50),
                                                 poll: .milliseconds(5))

    @Test func reauthorizeLeavesTheDeviceAuthorized() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        try scratch.write("/sys/bus/usb/devices/1-2/authorized", "junk")
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        try await recovery.perform(.reauthorize)
        #expect(try scratch.read("/sys/bus/usb/devices/1-2/authorized") == "1")
    }

    @Test func reauthorizeWithoutTheAttributeIsNotPossible() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        try FileManager.default.removeItem(at: scratch.url("/sys/bus/usb/devices/1-2/authorized"))
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        let error = await #expect(throws: RecoveryError.self) { try await recovery.perform(.reauthorize) }
        #expect(error?.code == .notPossible)
        #expect(error?.message == "open for writing /sys/bus/usb/devices/1-2/authorized: No such file or directory")
    }

    @Test func usbResetOfSomethingThatIsNotADeviceNodeFails() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        try scratch.write("/dev/bus/usb/001/005", "")
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        let error = await #expect(throws: RecoveryError.self) { try await recovery.perform(.usbReset) }
        #expect(error?.code == .failed)
        #expect(error?.message.hasPrefix("USBDEVFS_RESET on /dev/bus/usb/001/005: ") == true)
    }

    @Test func usbResetWithoutANodeIsNotPossible() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        let error = await #expect(throws: RecoveryError.self) { try await recovery.perform(.usbReset) }
        #expect(error?.code == .notPossible)
        #expect(error?.message == "open /dev/bus/usb/001/005: No such file or directory")
    }

    @Test func externallyPoweredDeviceIsNotPortCycled() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5, bmAttributes: "c0")
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        #expect(recovery.isExternallyPowered())
        let error = await #expect(throws: RecoveryError.self) { try await recovery.perform(.portPowerCycle) }
        #expect(error?.code == .notPossible)
        #expect(error?.message.hasPrefix(RecoveryError.externallyPoweredReason) == true)
        #expect(try scratch.read("/sys/bus/usb/devices/1-0:1.0/usb1-port2/disable") == "0", "port left alone")
    }

    @Test func driverOverridesTheSelfPoweredBit() throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5, bmAttributes: "80")
        let pedOnOldFirmware = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, externallyPowered: true)
        #expect(pedOnOldFirmware.isExternallyPowered())
        #expect(try !SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs).isExternallyPowered())
    }

    /// The kernel isn't here to remove the device, so the step turns the port back on and
    /// says the disconnect never happened: the port is not left off.
    @Test func portDisableThatDisconnectsNothingFailsWithThePortOn() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        let error = await #expect(throws: RecoveryError.self) { try await recovery.perform(.portPowerCycle) }
        #expect(error?.code == .failed)
        #expect(error?.message.hasPrefix(
            "writing 1 to /sys/bus/usb/devices/1-0:1.0/usb1-port2/disable did not disconnect 1-2") == true)
        #expect(try scratch.read("/sys/bus/usb/devices/1-0:1.0/usb1-port2/disable") == "0")
    }

    @Test func thePortLinkWinsOverTheDerivedPort() throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5, portDisable: false)
        try scratch.write("/sys/bus/usb/devices/1-0:1.0/usb1-port7/disable", "0")
        try scratch.link("/sys/bus/usb/devices/1-2/port", to: "../1-0:1.0/usb1-port7")
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs)
        #expect(recovery.portPath == "/sys/bus/usb/devices/1-0:1.0/usb1-port7")
        try FileManager.default.removeItem(at: scratch.url("/sys/bus/usb/devices/1-2/port"))
        #expect(try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs).portPath
                == "/sys/bus/usb/devices/1-0:1.0/usb1-port2")
    }

    @Test func aDeviceThatIsGoneIsNotPossibleForEveryStep() async throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        let recovery = try SysfsDeviceRecovery(deviceName: "1-2", sysfs: scratch.sysfs, timing: Self.fast)
        try FileManager.default.removeItem(at: scratch.url("/sys/bus/usb/devices/1-2"))
        let outcome = await RecoveryLadder().run(recovery) { true }
        #expect(outcome == .replugRequired(attempts: RecoveryStep.allCases.map {
            RecoveryAttempt(step: $0, result: .notPossible("1-2 is not attached (/sys/bus/usb/devices/1-2 is gone)"))
        }))
    }

    @Test func lookupByEveryForm() throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5, vidPid: "0c4b:0400")
        try scratch.addDevice("1-1.3", address: 7, vidPid: "0c4b:0300")
        try scratch.addDevice("2-1", bus: 2, address: 5, vidPid: "0c4b:0300")
        try scratch.write("/sys/bus/usb/devices/usb1/busnum", "1")
        let lookup = USBDeviceLookup(sysfs: scratch.sysfs)
        #expect(lookup.devices() == ["1-1.3", "1-2", "2-1"], "root hubs and interfaces are not devices")
        #expect(try lookup.deviceName(for: "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-2") == "1-2")
        #expect(try lookup.deviceName(for: "/sys/bus/usb/devices/1-1.3/") == "1-1.3")
        #expect(try lookup.deviceName(for: "1-2") == "1-2")
        #expect(try lookup.deviceName(for: "1:7") == "1-1.3")
        #expect(try lookup.deviceName(for: "2:5") == "2-1")
        #expect(try lookup.deviceName(for: "0c4b:0400") == "1-2")
        #expect(throws: USBDeviceLookupError("2 devices match 0c4b:0300 (1-1.3, 2-1): name one by its sysfs name or bus:address")) {
            try lookup.deviceName(for: "0c4b:0300")
        }
        #expect(throws: USBDeviceLookupError("no USB device 3:1 is attached")) { try lookup.deviceName(for: "3:1") }
        #expect(throws: USBDeviceLookupError.self) { try lookup.deviceName(for: "/sys/bus/usb/devices/usb1") }
        #expect(throws: USBDeviceLookupError.self) { try lookup.deviceName(for: "reader") }
        #expect(throws: USBDeviceLookupError.self) { try lookup.deviceName(for: "1:x") }
        #expect(throws: USBDeviceLookupError("no USB device 1-9: /sys/bus/usb/devices/1-9 does not exist")) {
            try SysfsDeviceRecovery(deviceName: "1-9", sysfs: scratch.sysfs)
        }
    }

    @Test func addressAndNode() throws {
        let scratch = try ScratchSysfs()
        try scratch.addDevice("1-2", address: 5)
        let recovery = try SysfsDeviceRecovery(locating: "1:5", sysfs: scratch.sysfs)
        #expect(recovery.address() == USBAddress(bus: 1, address: 5))
        #expect(recovery.address()?.node == "/dev/bus/usb/001/005")
        #expect(recovery.vendorProduct() == "0c4b:0400")
        #expect(recovery.isBack())
    }
}

/// How a system call's errno becomes the step's outcome. (The tests run as root, where
/// EACCES can't be provoked on a scratch file, so the mapping is checked directly.)
@Suite struct SysfsFailureMappingTests {
    static func failure(_ errno: Int32) -> Sysfs.Failure {
        Sysfs.Failure(operation: "open for writing", path: "/sys/bus/usb/devices/1-2/authorized", errno: errno)
    }

    @Test(arguments: [EACCES, EPERM, EROFS])
    func notPermittedIsNotPossibleAndSaysWhatItNeeds(_ errno: Int32) {
        let error = Self.failure(errno).recoveryError(.reauthorize, permission: "write access (the udev rule)")
        #expect(error.code == .notPossible)
        #expect(error.message.hasPrefix("open for writing /sys/bus/usb/devices/1-2/authorized: "))
        #expect(error.message.hasSuffix(": needs write access (the udev rule)"))
    }

    @Test func aMissingAttributeIsNotPossible() {
        let error = Self.failure(ENOENT).recoveryError(.reauthorize, permission: "x")
        #expect(error.code == .notPossible && !error.message.contains("needs"))
    }

    @Test func anythingElseFailed() {
        let error = Self.failure(EIO).recoveryError(.reauthorize, permission: "x")
        #expect(error.code == .failed)
        #expect(error.message == "open for writing /sys/bus/usb/devices/1-2/authorized: Input/output error")
    }
}
