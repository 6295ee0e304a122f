import CUMockdev
import Foundation

/// A umockdev testbed: a private /sys and /dev that libusb and libudev see through
/// libumockdev-preload, uevents included. One per test; it disappears (and UMOCKDEV_DIR with
/// it) on deinit. Shared by the libusb system tier (Tests/SystemTests) and the hotplug one
/// (Tests/HotplugSystemTests).
///
/// Not Sendable: the testbed's process-wide environment is why the suites are serialized.
public final class Testbed {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    private let raw: UnsafeMutablePointer<UMockdevTestbed>

    public init() {
        raw = umockdev_testbed_new()
    }

    deinit {
        g_object_unref(raw)
    }

    /// Adds the devices of a `.umockdev` description in Tests/SystemTests/Fixtures/ (see its
    /// README for provenance), found by #filePath so that both tiers use the one copy.
    public func addFixture(_ name: String, filePath: String = #filePath) throws {
        let path = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("../SystemTests/Fixtures/\(name).umockdev").standardized.path
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_add_from_file(raw, path, &error)
        try check(ok, error, "add_from_file \(name)")
    }

    /// Adds devices from umockdev's text form (P:, N:, E:, A:, H:, L: lines). umockdev
    /// 0.17 calls the description malformed unless its last line ends in a newline, and
    /// takes N: (device node contents) in upper-case hex only.
    public func add(_ description: String) throws {
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_add_from_string(raw, description, &error)
        try check(ok, error, "add_from_string")
    }

    /// An attribute file; `name` may hold a "/" (a port directory under a hub interface,
    /// which umockdev can't add as a device: ports have no subsystem).
    public func setAttribute(_ sysPath: String, _ name: String, _ value: String) {
        umockdev_testbed_set_attribute(raw, sysPath, name, value)
    }

    /// Replays a usbmon capture for the device at `sysPath` (URBs matched in order). The
    /// replay is served by this process, also to a child process that shares the testbed
    /// through UMOCKDEV_DIR and the preload (trustedpathd in the daemon tests).
    public func loadPcap(_ sysPath: String, _ capture: UsbmonCapture) throws {
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("trustedpath-\(UUID().uuidString).pcap")
        try Data(capture.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_load_pcap(raw, sysPath, file.path, &error)
        try check(ok, error, "load_pcap")
    }

    /// Sends a uevent ("add", "remove", "change") for a device, as the kernel would.
    public func uevent(_ sysPath: String, _ action: String) {
        umockdev_testbed_uevent(raw, sysPath, action)
    }

    /// Removes the device from /sys and /dev. Sends no uevent: call `uevent(_, "remove")` first.
    public func removeDevice(_ sysPath: String) {
        umockdev_testbed_remove_device(raw, sysPath)
    }

    /// Unplugs: the remove uevent first (umockdev's remove_device sends none), then the device.
    public func unplug(_ sysPath: String) {
        uevent(sysPath, "remove")
        removeDevice(sysPath)
    }

    private func check(_ ok: gboolean, _ error: UnsafeMutablePointer<GError>?, _ what: String) throws {
        if let error {
            let message = String(cString: error.pointee.message)
            g_error_free(error)
            throw Failure(description: "\(what): \(message)")
        }
        guard ok != 0 else { throw Failure(description: "\(what) failed") }
    }
}
