import Foundation
import Power

/// A directory laid out like /sys/bus/usb/devices (and /dev), for the steps' unit tests:
/// plain files, so what a step writes stays there to be read back. No kernel reacts.
final class ScratchSysfs {
    let root: URL
    var sysfs: Sysfs { Sysfs(root: root.path) }

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("power-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func url(_ path: String) -> URL { root.appendingPathComponent(String(path.dropFirst())) }

    func write(_ path: String, _ text: String) throws {
        let url = url(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data((text + "\n").utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func link(_ path: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: url(path).path, withDestinationPath: target)
    }

    /// A device under /sys/bus/usb/devices/<name> with the attributes a step reads, and
    /// the parent hub's port directory with a `disable` attribute when `portDisable`.
    func addDevice(_ name: String, bus: Int = 1, address: Int, vidPid: String = "0c4b:0400",
                   bmAttributes: String = "80", portDisable: Bool = true) throws {
        let device = "/sys/bus/usb/devices/\(name)"
        let ids = vidPid.split(separator: ":")
        for (attribute, value) in [("authorized", "1"), ("busnum", "\(bus)"), ("devnum", "\(address)"),
                                   ("bmAttributes", bmAttributes), ("idVendor", String(ids[0])),
                                   ("idProduct", String(ids[1]))] {
            try write("\(device)/\(attribute)", value)
        }
        guard let topology = USBTopology(deviceName: name) else { throw NotADeviceName(name: name) }
        if portDisable { try write(topology.portPath + "/disable", "0") }
    }
}

struct NotADeviceName: Error {
    var name: String
}
