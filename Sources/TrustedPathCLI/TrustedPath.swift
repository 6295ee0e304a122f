import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TrustedPathWorkflows
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

    /// Parses and runs the command. A run on the simulator says so in its first and its last
    /// line, whatever the outcome.
    nonisolated static func main() async {
        let command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        let (simulated, json) = simulation(of: command)
        // JSON output stays one object a line: the markers then go to standard error.
        func banner(_ line: String) { if json { complain(line) } else { say(line) } }
        if simulated { banner(SimulationBanner.first) }
        do {
            try await execute(command)
        } catch {
            let status = report(error)
            if simulated { complain(SimulationBanner.last) }
            Glibc.exit(status)
        }
        if simulated { banner(SimulationBanner.last) }
    }

    private nonisolated static func simulation(of command: any ParsableCommand) -> (simulated: Bool, json: Bool) {
        guard let run = command as? any SimulatedRun else { return (false, false) }
        return (run.simulated, run.printsJSON)
    }

    private nonisolated static func execute(_ command: sending any ParsableCommand) async throws {
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            var command = command
            try command.run()
        }
    }

    /// Our errors: one line saying what was wrong and what to do; exit 64 for a refused
    /// request (as ArgumentParser's own validation), 1 for everything else.
    private static func report(_ error: any Error) -> Int32 {
        switch error {
        case let error as WorkflowError:
            complain("error: " + error.message)
            return error.code == .invalidRequest ? 64 : 1
        case let error as CLIError:
            complain("error: " + error.description)
            return 1
        default:
            exit(withError: error)
        }
    }
}

/// A command that may run on the simulated devices, and says so.
protocol SimulatedRun {
    var simulated: Bool { get }
    /// Standard output is JSON lines (`--json`).
    var printsJSON: Bool { get }
}

extension SimulatedRun {
    var printsJSON: Bool { false }
}

/// The first and last lines of a run on the simulator.
enum SimulationBanner {
    static let first = "SIMULATION: simulated reader and cards, kept apart from the appliance's state; no real device is used"
    static let last = "SIMULATION: end of the run on the simulated devices; no real card or journal was touched"
}
