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

    /// Set in the child process that `IsolatedRun` starts.
    static let isolationVariable = "TRUSTEDPATH_HOTPLUG_TESTS_ISOLATED"
    static let isIsolated = ProcessInfo.processInfo.environment[isolationVariable] == "1"

    static let howToRun = "needs libumockdev-preload: run `umockdev-wrapper swift test --filter HotplugSystemTests` "
        + "(or `make test`)"
}

/// The system tier for Hotplug: the real libudev under umockdev. Serialized because a
/// testbed redirects /sys and /dev for the whole process (UMOCKDEV_DIR); run only in a
/// process of its own (see `IsolatedRun`), because Swift Testing runs top-level suites
/// in parallel and Tests/SystemTests' testbeds would share that environment.
@Suite("Hotplug system tier (libudev under umockdev)", .serialized,
       .enabled(if: Umockdev.isPreloaded, Comment(rawValue: Umockdev.howToRun)),
       .enabled(if: Umockdev.isIsolated, "runs in the child process that IsolatedRun starts"))
struct HotplugSystemTests {}
