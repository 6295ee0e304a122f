import Foundation

/// Runs the `trustedpath` executable that `swift build` placed beside the test bundle.
public enum CommandRunner {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var timedOut = false
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }
        /// Each stdout line parsed as a JSON object (empty dictionary if a line is not one).
        public var jsonLines: [[String: Any]] {
            lines.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        }
    }

    /// The folder holding the build products: the test bundle's own folder.
    public static var productsDirectory: URL {
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    /// Runs `tool` to its end, or kills it after `timeout` (then `timedOut` is set and the
    /// status is the signal's): a child that waits for something that never comes fails the
    /// test that started it instead of hanging the whole run.
    /// - Parameter environment: variables set (or replaced) for the child, e.g. a fresh HOME.
    /// - Parameter executable: another program than a build product (e.g. /bin/sh).
    public static func run(_ arguments: [String], stdin: String? = nil, tool: String = "trustedpath", executable: URL? = nil,
                           environment: [String: String] = [:], workingDirectory: URL? = nil,
                           timeout: Duration = .seconds(120)) throws -> Result {
        let process = Process()
        process.executableURL = executable ?? productsDirectory.appendingPathComponent(tool)
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Both pipes drain at once, so a child filling one of them never blocks on it.
        let stdoutData = Drained(out.fileHandleForReading), stderrData = Drained(err.fileHandleForReading)
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var timedOut = false
        if exited.wait(timeout: .now() + seconds) == .timedOut {
            timedOut = true
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        var stderr = String(decoding: stderrData.value, as: UTF8.self)
        if timedOut { stderr += "\n[killed: still running after \(timeout)]" }
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData.value, as: UTF8.self),
                      stderr: stderr, timedOut: timedOut)
    }
}

/// A pipe read to its end on a thread of its own.
private final class Drained: @unchecked Sendable {
    // Written once by the reading thread before `done` is signalled, read after waiting on it.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    var value: Data {
        done.wait()
        done.signal()
        return data
    }
}
