import Foundation
import Testing

/// Whether libumockdev-preload is loaded into this process. Without it a testbed is only
/// a directory: libusb would look at the real /sys and /dev, so the system tests are
/// disabled (and say how to run them) rather than passing or failing for the wrong reason.
enum Umockdev {
    static let isPreloaded: Bool = {
        let preload = ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? ""
        return preload.contains("libumockdev-preload")
    }()

    static let howToRun = "needs libumockdev-preload: run `umockdev-wrapper swift test --filter SystemTests` "
        + "(or `make test`)"

    /// The reader in Fixtures/cyberjack-ecom.umockdev.
    static let readerSysPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-1"
}
