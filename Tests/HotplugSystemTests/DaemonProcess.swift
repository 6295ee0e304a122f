import Foundation
import Synchronization
import TestSupport

/// The built `trustedpathd`, run as a child that inherits this process's umockdev preload
/// and testbed (LD_PRELOAD, UMOCKDEV_DIR), with its stdout lines collected as they come.
final class DaemonProcess: Sendable {
    private final class Output: Sendable {
        let text = Mutex("")
        let errors = Mutex("")
    }

    private let process: Process
    private let output = Output()

    init(_ arguments: [String], environment extra: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = CommandRunner.productsDirectory.appendingPathComponent("trustedpathd")
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        let output = self.output
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.errors.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        self.process = process
    }

    var pid: Int32 { process.processIdentifier }
    var lines: [String] { output.text.withLock { $0 }.split(separator: "\n").map(String.init) }
    var log: String { output.errors.withLock { $0 } }

    /// Waits until the log (stderr) contains `text`; false on timeout.
    func waitForLog(_ text: String, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !log.contains(text), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return log.contains(text)
    }

    /// Waits until `count` lines arrived or `timeout` passed.
    func waitForLines(_ count: Int, timeout: Duration = .seconds(10)) async -> [String] {
        let deadline = ContinuousClock.now + timeout
        while lines.count < count, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return lines
    }

    /// SIGTERM, then its exit status (nil if it didn't exit within `timeout`; then killed).
    func terminate(timeout: Duration = .seconds(5)) async -> Int32? {
        process.terminate()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return nil
        }
        return process.terminationStatus
    }
}

/// The daemon's JSON event lines, parsed; a line that is no JSON object reads as `[:]`.
enum DaemonEvents {
    static func objects(_ lines: [String]) -> [[String: Any]] {
        lines.map { ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]) ?? [:] }
    }

    /// The `event` of each line ("?" where it has none).
    static func kinds(_ lines: [String]) -> [String] {
        objects(lines).map { $0["event"] as? String ?? "?" }
    }
}
