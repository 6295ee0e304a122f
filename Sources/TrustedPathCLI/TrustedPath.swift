import ArgumentParser
import TrustedPathCore

@main
struct TrustedPath: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustedpath",
        abstract: "Drivers and tools for the HSM appliance's trusted-path devices.",
        version: TrustedPathVersion.current,
        subcommands: [TranscriptCommand.self, CCIDCommand.self, ATRCommand.self, CardCommand.self, CeremonyCommand.self,
                      QuorumCommand.self, BackupCommand.self, DevicesCommand.self, MonitorCommand.self, PCSCCommand.self,
                      SimulateCommand.self, BenchCommand.self, RecoverCommand.self, PEDCommand.self])
}
