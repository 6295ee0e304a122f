import ArgumentParser
import Simulator
import VPCDBridge
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `trustedpath simulate`: serve simulated devices to the real host stack.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve simulated devices to the host stack.",
        subcommands: [SimulateVPCDCommand.self, SimulateUSBCommand.self])
}

/// `trustedpath simulate vpcd`: one virtual card in pcscd's vpcd reader until interrupted.
struct SimulateVPCDCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vpcd",
        abstract: "Insert a simulated card into pcscd's vpcd reader (vsmartcard-vpcd).",
        discussion: """
            vpcd listens inside pcscd (TCP 35963 for "Virtual PCD 00 00", 35964 for "… 00 01"); \
            this command connects to it and answers as the card until interrupted. If pcscd is \
            not up yet it keeps retrying. Try it beside a private pcscd: \
            scripts/with-pcscd sh -c 'trustedpath simulate vpcd & sleep 1; opensc-tool -a'
            """)

    @Option(help: "Where vpcd listens.") var host = "127.0.0.1"
    @Option(help: "vpcd's port (35963: first reader).") var port: UInt16 = VPCDBridge.defaultPort

    func validate() throws {
        if let reason = VPCDBridge.unresolvable(host: host) { throw ValidationError("--host: \(reason)") }
    }

    func run() async throws {
        let bridge = VPCDBridge(card: SimulatedCards.vpcdCard(), host: host, port: port)
        // write(2) unbuffered: a print would sit in stdio's buffer until exit, and Ctrl-C
        // (the way to remove the card) ends the process without flushing it.
        let banner = "serving a simulated card to vpcd at \(host):\(port); Ctrl-C to remove it\n"
        _ = banner.withCString { write(1, $0, strlen($0)) }
        await bridge.run()
    }
}

/// The one place that chooses which simulated card the CLI serves: the TCOS 3.0 card with the
/// appliance's slots (PIN 123456), which OpenSC's TCOS driver recognises.
enum SimulatedCards {
    static func vpcdCard() -> any VirtualCard {
        SimulatedTCOSCard(profile: .trustedPath)
    }
}
