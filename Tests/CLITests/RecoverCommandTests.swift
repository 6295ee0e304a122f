import Testing
import TestSupport

/// `trustedpath recover` without a device: bad input is refused with the reason and exit
/// status 64 before any step is taken. (The ladder itself runs under umockdev in
/// SystemTests' "Recovery ladder".)
@Suite struct RecoverCommandTests {
    @Test func anUnknownStepIsRefusedNamingTheSteps() throws {
        let result = try CommandRunner.run(["recover", "1-2", "--step", "replug"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--step replug: use usb-reset, reauthorize, port-power-cycle"))
    }

    @Test func somethingThatNamesNoDeviceIsRefused() throws {
        let result = try CommandRunner.run(["recover", "reader"])
        #expect(result.status == 64)
        #expect(result.stderr.contains(
            "\"reader\": expected a sysfs path, a name like 1-2, bus:address (1:5) or vid:pid (0c4b:0400)"))
    }

    @Test func aRootHubPathIsNotADevice() throws {
        let result = try CommandRunner.run(["recover", "/sys/bus/usb/devices/usb1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("is not a USB device's sysfs path"))
    }
}
