import Foundation
import Testing

/// Whether libumockdev-preload is loaded into this process (as in Tests/SystemTests): without
/// it a testbed is only a directory and libudev would watch the real /sys, so the suite is
/// disabled and says how to run it.
enum Umockdev {
    static let isPreloaded: Bool = {
        let preload = ProcessInfo.processInfo.environment["LD_PRELOAD"] ?? ""
        return preload.contains("libumockdev-preload")
    }()

    static let howToRun = "needs libumockdev-preload: run `umockdev-wrapper swift test --filter HotplugSystemTests` "
        + "(or `make test`)"
}

/// The system tier for Hotplug: the real libudev under umockdev. Serialized because a
/// testbed redirects /sys and /dev for the whole process (UMOCKDEV_DIR).
@Suite("Hotplug system tier (libudev under umockdev)", .serialized,
       .enabled(if: Umockdev.isPreloaded, Comment(rawValue: Umockdev.howToRun)))
struct HotplugSystemTests {}
