// swift-tools-version:6.0
import PackageDescription

// Protocol cores (TrustedPathCore, Transcript, CCID, APDU) use the standard library only:
// they are what appliance firmware embeds and what the fuzz targets compile.
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "TrustedPath",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "TrustedPathCore", targets: ["TrustedPathCore"]),
        .library(name: "Transcript", targets: ["Transcript"]),
        .library(name: "USBLink", targets: ["USBLink"]),
        .library(name: "LibUSBLink", targets: ["LibUSBLink"]),
        .library(name: "CCID", targets: ["CCID"]),
        .library(name: "APDU", targets: ["APDU"]),
        .library(name: "CaptureDecoder", targets: ["CaptureDecoder"]),
        .library(name: "CCIDReader", targets: ["CCIDReader"]),
        .library(name: "Simulator", targets: ["Simulator"]),
        .library(name: "TCOS", targets: ["TCOS"]),
        .library(name: "PINPad", targets: ["PINPad"]),
        .library(name: "Quorum", targets: ["Quorum"]),
        .library(name: "BackupKey", targets: ["BackupKey"]),
        .library(name: "Ceremony", targets: ["Ceremony"]),
        .library(name: "Hotplug", targets: ["Hotplug"]),
        .library(name: "PCSC", targets: ["PCSC"]),
        .library(name: "VPCDBridge", targets: ["VPCDBridge"]),
        .library(name: "Power", targets: ["Power"]),
        .library(name: "PEDProtocol", targets: ["PEDProtocol"]),
        .library(name: "PED", targets: ["PED"]),
        .library(name: "PEDAuth", targets: ["PEDAuth"]),
        .library(name: "TrustedPathWorkflows", targets: ["TrustedPathWorkflows"]),
        .library(name: "USBEmulation", targets: ["USBEmulation"]),
        .executable(name: "trustedpath", targets: ["TrustedPathCLI"]),
        .executable(name: "trustedpathd", targets: ["TrustedPathDaemon"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries, found through pkg-config; scripts/bootstrap installs the providers.
        .systemLibrary(name: "CLibUSB", pkgConfig: "libusb-1.0",
                       providers: [.apt(["libusb-1.0-0-dev"])]),
        .systemLibrary(name: "CUdev", pkgConfig: "libudev",
                       providers: [.apt(["libudev-dev"])]),
        // umockdev's testbed API: the system tier's testbeds, and simulated devices on the
        // real USB stack (`trustedpath simulate usb`).
        .systemLibrary(name: "CUMockdev", pkgConfig: "umockdev-1.0",
                       providers: [.apt(["libumockdev-dev"])]),
        // usbdevfs served at the ioctl level in C: umockdev's GObject signal and the kernel's
        // usbdevfs_urb layout, for USBEmulation.
        .target(name: "CUSBGadget", dependencies: ["CUMockdev"]),
        .systemLibrary(name: "CPCSCLite", pkgConfig: "libpcsclite",
                       providers: [.apt(["libpcsclite-dev"])]),

        .target(name: "TrustedPathCore", swiftSettings: strict),
        .target(name: "Transcript", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        .target(name: "CCID", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        .target(name: "APDU", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        .target(name: "USBLink", dependencies: ["TrustedPathCore", "Transcript"], swiftSettings: strict),
        // POSIX without Foundation: named threads (the udev monitor, libusb's event loop, blocking
        // calls) and small-file reads (sysfs).
        .target(name: "POSIXSupport", swiftSettings: strict),
        .target(name: "LibUSBLink", dependencies: ["USBLink", "CLibUSB", "POSIXSupport"], swiftSettings: strict),
        .target(name: "CaptureDecoder", dependencies: ["Transcript", "CCID"], swiftSettings: strict),
        .target(name: "CCIDReader", dependencies: ["TrustedPathCore", "USBLink", "CCID", "APDU"],
                swiftSettings: strict),
        .target(name: "Simulator", dependencies: ["TrustedPathCore", "USBLink", "CCID", "APDU", "TCOS", "VPCDBridge",
                                                  "PEDProtocol", "Power", "Quorum"],
                swiftSettings: strict),
        .target(name: "TCOS", dependencies: ["TrustedPathCore", "APDU"], swiftSettings: strict),
        // The system layer: simulated devices on a umockdev testbed's USB bus, so libusb, libudev,
        // pcscd and libccid drive them as hardware.
        .target(name: "USBEmulation", dependencies: ["USBLink", "CUSBGadget", "CUMockdev"], swiftSettings: strict),
        // The devices layer: a TCOS card behind a PIN-pad reader, PIN typed on the keypad only.
        .target(name: "PINPad", dependencies: ["TrustedPathCore", "APDU", "CCID", "CCIDReader", "TCOS", "PCSC"],
                swiftSettings: strict),
        .target(name: "Quorum", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        // The system layer: libudev enumeration and monitoring of readers and PEDs.
        .target(name: "Hotplug", dependencies: ["TrustedPathCore", "CUdev", "CCID", "POSIXSupport", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // The workflows layer: the backup-key quorum ceremony, over any share-card station.
        .target(name: "Ceremony", dependencies: ["TrustedPathCore", "Quorum", "BackupKey", "PINPad", "TCOS", "POSIXSupport"],
                swiftSettings: strict),
        .target(name: "BackupKey", dependencies: [
            "TrustedPathCore", "Quorum", .product(name: "Crypto", package: "swift-crypto"),
        ], swiftSettings: strict),
        .target(name: "PCSC", dependencies: ["TrustedPathCore", "APDU", "CPCSCLite"], swiftSettings: strict),
        .target(name: "VPCDBridge", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        // The system layer: bringing back a USB device that stopped answering (USB reset,
        // sysfs re-authorize, port power cycle).
        .target(name: "Power", dependencies: ["TrustedPathCore", "USBLink", "CLibUSB", "POSIXSupport"], swiftSettings: strict),
        // The PED: its USB protocol (a pure codec, fuzzed), the HSM-side driver, and the
        // role-login / M of N workflows.
        .target(name: "PEDProtocol", dependencies: ["TrustedPathCore"], swiftSettings: strict),
        .target(name: "PED", dependencies: ["TrustedPathCore", "USBLink", "PEDProtocol", "Power"], swiftSettings: strict),
        .target(name: "PEDAuth", dependencies: ["TrustedPathCore", "PED", "PEDProtocol"], swiftSettings: strict),

        // The workflows as the CLI runs them, for firmware with a UI of its own: the reader
        // route (USB, a busy USB reader through PC/SC, --pcsc, the simulator when asked), card
        // sessions, the ceremony with every option checked before the first prompt.
        .target(name: "TrustedPathWorkflows", dependencies: [
            "TrustedPathCore", "POSIXSupport", "USBLink", "Transcript", "LibUSBLink", "CCIDReader", "PCSC", "PINPad", "TCOS",
            "Quorum", "BackupKey", "Ceremony", "Simulator",
        ], swiftSettings: strict),

        .executableTarget(name: "TrustedPathCLI", dependencies: [
            "TrustedPathWorkflows",
            "Transcript", "CaptureDecoder", "CCID", "APDU", "USBLink", "LibUSBLink", "CCIDReader", "Simulator",
            "TCOS", "PCSC", "VPCDBridge", "Quorum", "BackupKey", "PINPad", "Ceremony", "Hotplug",
            "Power", "PEDProtocol", "PED", "PEDAuth", "USBEmulation", "POSIXSupport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], swiftSettings: strict),
        // Installed built with `--static-swift-stdlib`: idle resident memory ~2 MiB smaller
        // (docs/daemon.md). Not an unsafe linker flag here, which would make SwiftPM refuse
        // this package as a versioned dependency.
        .executableTarget(name: "TrustedPathDaemon", dependencies: [
            "Hotplug", "USBLink", "LibUSBLink", "CCID", "CCIDReader", "PED", "Power", "POSIXSupport", "TrustedPathCore",
            .product(name: "Logging", package: "swift-log"),
        ], swiftSettings: strict),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The umockdev testbed and hand-built usbmon captures, for both system tiers.
        .target(name: "UmockdevSupport", dependencies: ["CUMockdev", "Transcript"], path: "Tests/UmockdevSupport"),
        .testTarget(name: "CoreTests", dependencies: ["TrustedPathCore"]),
        .testTarget(name: "TranscriptTests", dependencies: ["Transcript"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CCIDTests", dependencies: ["CCID", "TrustedPathCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "APDUTests", dependencies: ["APDU"]),
        .testTarget(name: "LinkReplayTests", dependencies: ["USBLink", "Transcript", "TestSupport"]),
        .testTarget(name: "DecoderTests", dependencies: ["CaptureDecoder", "Transcript", "TestSupport"]),
        .testTarget(name: "CCIDReaderTests", dependencies: ["CCIDReader", "CCID", "APDU", "USBLink", "Transcript", "TestSupport"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "CCID", "APDU", "USBLink"]),
        .testTarget(name: "StackTests", dependencies: ["CCIDReader", "Simulator", "CCID", "APDU", "USBLink", "Transcript", "TCOS",
                                                     "Ceremony", "PINPad", "Quorum", "BackupKey", "TrustedPathCore", "TestSupport"]),
        .testTarget(name: "QuorumTests", dependencies: ["Quorum", "TrustedPathCore", "TestSupport"]),
        .testTarget(name: "CeremonyTests", dependencies: ["Ceremony", "Quorum", "BackupKey", "TrustedPathCore"]),
        .testTarget(name: "BackupKeyTests", dependencies: ["BackupKey", "Quorum", "TrustedPathCore"]),
        .testTarget(name: "PINPadTests", dependencies: ["PINPad", "CCIDReader", "Simulator", "TCOS", "USBLink", "Transcript", "TrustedPathCore", "TestSupport"]),
        .testTarget(name: "TCOSTests", dependencies: ["TCOS", "APDU", "Simulator", "TestSupport"]),
        // The PC/SC tier: the real pcscd with the vpcd driver, in a namespace of its own
        // (scripts/with-pcscd); skipped with a reason when no such pcscd is reachable.
        .testTarget(name: "PCSCTests", dependencies: ["PCSC", "VPCDBridge", "APDU", "TCOS", "Simulator", "TestSupport"]),
        // Runs the built `trustedpath` binary: the command-line contracts (JSON keys, exit codes).
        .testTarget(name: "CLITests", dependencies: ["TestSupport"]),
        .testTarget(name: "PowerTests", dependencies: ["Power"]),
        .testTarget(name: "POSIXSupportTests", dependencies: ["POSIXSupport"]),
        .testTarget(name: "PEDProtocolTests", dependencies: ["PEDProtocol", "TrustedPathCore", "TestSupport"]),
        .testTarget(name: "PEDTests", dependencies: ["PED", "PEDAuth", "PEDProtocol", "Power", "Simulator", "USBLink",
                                                   "Transcript", "TrustedPathCore", "TestSupport"]),
        // Hotplug and the daemon against the real libudev under umockdev (run by make test's
        // system tier, with SystemTests).
        .testTarget(name: "HotplugSystemTests", dependencies: ["Hotplug", "UmockdevSupport", "TestSupport", "PEDProtocol",
                                                                     "POSIXSupport"]),
        // The simulated reader on the real USB stack (`simulate usb`): pcscd with libccid,
        // pyscard, OpenSC and our host through libusb. Runs the built CLI; in make test's
        // system tier (--filter SystemTests).
        .testTarget(name: "USBEmulationSystemTests", dependencies: ["TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "SystemTests", dependencies: ["LibUSBLink", "USBLink", "Transcript", "UmockdevSupport", "Power"],
                    resources: [.copy("Fixtures")]),
    ]
)
