import Foundation
import Synchronization
import Testing

/// Runs the Hotplug system tier in a child process of this test binary.
///
/// Why: `make test` runs `--filter SystemTests`, which selects Tests/SystemTests and this
/// target in one process, and Swift Testing runs top-level suites in parallel (`.serialized`
/// only orders tests within a suite; there is no cross-suite or cross-module form). Two
/// umockdev testbeds alive at once share UMOCKDEV_DIR and break each other (seen: the
/// other suite enumerating our devices, and our storm test losing its uevents). A child
/// process has its own environment, so both tiers run unchanged and at full speed.
@Suite("Hotplug system tier, in a process of its own",
       .enabled(if: Umockdev.isPreloaded, Comment(rawValue: Umockdev.howToRun)),
       .enabled(if: !Umockdev.isIsolated, "this is the child process"))
struct IsolatedRun {
    @Test(.timeLimit(.minutes(5)))
    func hotplugSystemTestsPassInAChildProcess() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--testing-library", "swift-testing", "--filter", "HotplugSystemTests"]
        var environment = ProcessInfo.processInfo.environment
        environment[Umockdev.isolationVariable] = "1"
        // Not the parent's testbed: the child makes its own.
        environment["UMOCKDEV_DIR"] = nil
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let collected = Mutex(Data())
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            collected.withLock { $0.append(data) }
        }
        try process.run()
        // Below the time limit, so that a hung child is killed and its output still shows
        // which test hung.
        let deadline = ContinuousClock.now + Duration.seconds(240)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let hung = process.isRunning
        if hung {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        output.fileHandleForReading.readabilityHandler = nil
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        let lines = text.split(separator: "\n")
        let finished = Set(lines.filter { $0.contains(" passed after ") || $0.contains(" failed after ") }
            .compactMap { $0.split(separator: " ").dropFirst(2).first })
        let unfinished = lines.filter { $0.contains("◇ Test ") && $0.hasSuffix("started.") }
            .compactMap { $0.split(separator: " ").dropFirst(2).first }.filter { !finished.contains($0) }
        #expect(!hung, "child killed after 4 minutes; still running: \(unfinished)\n\(text.suffix(4000))")
        let summary = lines.filter { $0.contains("✔ Test") || $0.contains("✘") || $0.contains("Test run with") }
        // The child's results, so the log of the parent run shows each test.
        print(summary.map { "  child: \($0)" }.joined(separator: "\n"))
        #expect(process.terminationStatus == 0, "child run failed:\n\(summary.joined(separator: "\n"))\n\(text.suffix(4000))")
        #expect(text.contains("Suite \"Hotplug system tier (libudev under umockdev)\" passed"), "\(text.suffix(4000))")
    }
}
