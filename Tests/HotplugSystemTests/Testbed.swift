import CUMockdev
import Foundation

/// A umockdev testbed: a private /sys and /dev that libudev sees through
/// libumockdev-preload, uevents included. One per test; gone on deinit.
///
/// Not Sendable: the testbed's process-wide environment is why the suite is serialized.
final class Testbed {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let raw: UnsafeMutablePointer<UMockdevTestbed>

    init() {
        raw = umockdev_testbed_new()
    }

    deinit {
        g_object_unref(raw)
    }

    /// A `.umockdev` file of Tests/SystemTests/Fixtures/, shared rather than copied (see its
    /// README for provenance). Found by #filePath: this target declares no resources, and a
    /// Fixtures folder of its own would be an "unhandled files" warning.
    func addFixture(_ name: String, filePath: String = #filePath) throws {
        let url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .appendingPathComponent("../SystemTests/Fixtures/\(name).umockdev")
        try add(String(contentsOf: url, encoding: .utf8))
    }

    /// Devices in umockdev's text format (`add_device` is variadic, so not callable from Swift).
    func add(_ description: String) throws {
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_add_from_string(raw, description, &error)
        if let error {
            let message = String(cString: error.pointee.message)
            g_error_free(error)
            throw Failure(description: "add_from_string: \(message)")
        }
        guard ok != 0 else { throw Failure(description: "add_from_string failed") }
    }

    /// Replays a usbmon capture for the device at `sysPath` (URBs matched in order). The
    /// replay is served by this process, also to a child process that shares the testbed
    /// through UMOCKDEV_DIR and the preload (trustedpathd in the daemon tests).
    func loadPcap(_ sysPath: String, _ capture: [UInt8]) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("trustedpath-\(UUID().uuidString).pcap")
        try Data(capture).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        var error: UnsafeMutablePointer<GError>?
        let ok = umockdev_testbed_load_pcap(raw, sysPath, file.path, &error)
        if let error {
            let message = String(cString: error.pointee.message)
            g_error_free(error)
            throw Failure(description: "load_pcap: \(message)")
        }
        guard ok != 0 else { throw Failure(description: "load_pcap failed") }
    }

    /// A uevent ("add", "remove", "change") for a device, as the kernel would send it.
    func uevent(_ sysPath: String, _ action: String) {
        umockdev_testbed_uevent(raw, sysPath, action)
    }

    /// Unplugs: the remove uevent first (umockdev's remove_device sends none), then the device.
    func unplug(_ sysPath: String) {
        uevent(sysPath, "remove")
        umockdev_testbed_remove_device(raw, sysPath)
    }
}
