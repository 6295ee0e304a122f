import CUdev
import Logging
import POSIXSupport
#if canImport(Glibc)
import Glibc
#endif

/// A libudev context and the reads done through it.
///
/// Not Sendable, on purpose: libudev objects are not thread-safe, so a context and every
/// `udev_device` it hands out stay on the one thread that created them (the monitor
/// thread, or the caller of `HotplugMonitor.enumerate`). Only `USBDeviceSnapshot` values
/// leave it.
final class UdevContext {
    let udev: OpaquePointer
    let logger: Logger

    init(logger: Logger) throws(HotplugError) {
        guard let udev = udev_new() else { throw HotplugError(.udev, "udev_new failed: is /sys mounted?") }
        self.udev = udev
        self.logger = logger
    }

    deinit {
        udev_unref(udev)
    }

    /// Every usb_device now in sysfs, in syspath order. A device that vanishes between the
    /// listing and the read is logged and left out; its remove uevent will be a no-op.
    func enumerate() throws(HotplugError) -> [USBDeviceSnapshot] {
        guard let enumerate = udev_enumerate_new(udev) else { throw HotplugError(.udev, "udev_enumerate_new failed") }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_subsystem(enumerate, "usb")
        udev_enumerate_add_match_property(enumerate, "DEVTYPE", "usb_device")
        guard udev_enumerate_scan_devices(enumerate) >= 0 else {
            throw HotplugError(.udev, "udev_enumerate_scan_devices failed (errno \(errno))")
        }
        var paths: [String] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let name = udev_list_entry_get_name(current) { paths.append(String(cString: name)) }
            entry = udev_list_entry_get_next(current)
        }
        return paths.sorted().compactMap { path in
            guard let device = udev_device_new_from_syspath(udev, path) else {
                logger.warning("device vanished during enumeration", metadata: ["syspath": "\(path)"])
                return nil
            }
            defer { udev_device_unref(device) }
            return snapshot(device)
        }
    }

    /// Reads a device's facts; `nil` (and a log line) when it is gone or its identity
    /// attributes are missing or malformed.
    func snapshot(_ device: OpaquePointer) -> USBDeviceSnapshot? {
        guard let rawPath = udev_device_get_syspath(device) else { return nil }
        let syspath = String(cString: rawPath)
        func attribute(_ name: String) -> String? {
            udev_device_get_sysattr_value(device, name).map { String(cString: $0).trimmingSpaces }
        }
        func property(_ name: String) -> String? {
            udev_device_get_property_value(device, name).map { String(cString: $0) }
        }
        guard let vendor = (attribute("idVendor") ?? property("ID_VENDOR_ID")).flatMap({ UInt16($0, radix: 16) }),
              let product = (attribute("idProduct") ?? property("ID_MODEL_ID")).flatMap({ UInt16($0, radix: 16) }),
              let busnum = (attribute("busnum") ?? property("BUSNUM")).flatMap({ Int($0) }),
              let devnum = (attribute("devnum") ?? property("DEVNUM")).flatMap({ Int($0) })
        else {
            logger.warning("device has no readable idVendor/idProduct/busnum/devnum (gone, or not a USB device); skipped",
                           metadata: ["syspath": "\(syspath)"])
            return nil
        }
        var classes = Self.classes(inInterfaceList: property("ID_USB_INTERFACES") ?? "")
        classes.formUnion(childInterfaceClasses(device))
        return USBDeviceSnapshot(syspath: syspath, busnum: busnum, devnum: devnum, idVendor: vendor, idProduct: product,
                                 product: attribute("product"), trustedPathDevice: property("TRUSTEDPATH_DEVICE"),
                                 interfaceClasses: classes, descriptors: SmallFile.read(syspath + "/descriptors") ?? [])
    }

    /// bInterfaceClass of the usb_interface children udev knows (none yet in the usb_device
    /// add event on real hardware: the kernel adds interfaces after the device). Children
    /// only: udev's parent match also yields the interfaces of devices further down, and a
    /// hub with a reader on one of its ports is not a reader.
    private func childInterfaceClasses(_ device: OpaquePointer) -> Set<UInt8> {
        let ownPath = udev_device_get_syspath(device).map { String(cString: $0) }
        guard let enumerate = udev_enumerate_new(udev) else { return [] }
        defer { udev_enumerate_unref(enumerate) }
        udev_enumerate_add_match_parent(enumerate, device)
        udev_enumerate_add_match_property(enumerate, "DEVTYPE", "usb_interface")
        guard udev_enumerate_scan_devices(enumerate) >= 0 else { return [] }
        var classes: Set<UInt8> = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let name = udev_list_entry_get_name(current), let child = udev_device_new_from_syspath(udev, name) {
                let parentPath = udev_device_get_parent(child).flatMap { udev_device_get_syspath($0) }.map { String(cString: $0) }
                if parentPath == ownPath, let value = udev_device_get_sysattr_value(child, "bInterfaceClass"),
                   let cls = UInt8(String(cString: value).trimmingSpaces, radix: 16) {
                    classes.insert(cls)
                }
                udev_device_unref(child)
            }
            entry = udev_list_entry_get_next(current)
        }
        return classes
    }

    /// ID_USB_INTERFACES is ":CCSSPP:CCSSPP:" (class, subclass, protocol per interface).
    static func classes(inInterfaceList list: String) -> Set<UInt8> {
        Set(list.split(separator: ":").compactMap { $0.count == 6 ? UInt8($0.prefix(2), radix: 16) : nil })
    }
}

extension String {
    /// sysfs values carry a trailing newline and sometimes leading spaces ("bNumInterfaces= 1").
    var trimmingSpaces: String {
        String(self.drop(while: { $0 == " " || $0 == "\n" }).reversed().drop(while: { $0 == " " || $0 == "\n" }).reversed())
    }
}
