// swift-tools-version:6.0
import PackageDescription

// A firmware-style application on TrustedPath's library workflows: the same checked ceremony
// the `trustedpath` CLI runs, with a UI of its own. It depends on the package by path, as an
// appliance's firmware tree would vendor it.
let package = Package(
    name: "FirmwareCeremony",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "TrustedPath", path: "../..")],
    targets: [
        .executableTarget(name: "FirmwareCeremony", dependencies: [
            .product(name: "TrustedPathWorkflows", package: "TrustedPath"),
        ]),
    ]
)
