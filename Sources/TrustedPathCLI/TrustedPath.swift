import ArgumentParser

@main
struct TrustedPath: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trustedpath",
        abstract: "Drivers and tools for the HSM appliance's trusted-path devices.",
        subcommands: [TranscriptCommand.self, CCIDCommand.self, ATRCommand.self, QuorumCommand.self, BackupCommand.self, BenchCommand.self, DevicesCommand.self, MonitorCommand.self])
}
