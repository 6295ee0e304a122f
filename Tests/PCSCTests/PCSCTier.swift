import Foundation
import PCSC
import Testing
import VPCDBridge

/// All PC/SC tier suites nest in this one so that they run one after another: they share
/// pcscd's one vpcd reader, and Swift Testing runs separate suites in parallel.
@Suite(.serialized, .enabled(if: PCSCTier.isAvailable, PCSCTier.skipReason))
struct PCSCTierTests {}

/// The PC/SC tier needs the private pcscd that scripts/with-pcscd starts (it sets
/// TRUSTEDPATH_PCSCD); anywhere else these suites are skipped, with that reason.
enum PCSCTier {
    static let isAvailable = ProcessInfo.processInfo.environment["TRUSTEDPATH_PCSCD"] != nil
    static let skipReason: Comment = "needs the private pcscd with vpcd: run `scripts/with-pcscd swift test --skip-build --filter PCSCTests`"
    /// vpcd's first reader, served on TCP 35963.
    static let reader = "Virtual PCD 00 00"
    static let port = UInt16(ProcessInfo.processInfo.environment["TRUSTEDPATH_VPCD_PORT"] ?? "") ?? VPCDBridge.defaultPort

    /// Runs `body` while a bridge serves `card` and pcscd reports it present; stops the bridge
    /// and waits until pcscd has seen the card go, so the next test starts from an empty reader.
    static func withCard<T>(_ card: any VirtualCard = MinimalCard(),
                            _ body: (VPCDBridge, PCSCReaderState) async throws -> T) async throws -> T {
        let bridge = VPCDBridge(card: card, port: port)
        let task = Task { await bridge.run() }
        let monitor = try PCSCContext()
        do {
            let state = try await monitor.waitForCard(in: reader, timeout: .seconds(10))
            let result = try await body(bridge, state)
            task.cancel()
            await task.value
            _ = try await monitor.waitForRemoval(in: reader, timeout: .seconds(10))
            return result
        } catch {
            task.cancel()
            await task.value
            _ = try? await monitor.waitForRemoval(in: reader, timeout: .seconds(10))
            throw error
        }
    }

    /// Runs a tool inside the namespace (OpenSC, python3) and returns its exit status and output.
    static func run(_ tool: String, _ arguments: [String], input: String? = nil) async throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let stdin = Pipe()
        process.standardInput = stdin
        try process.run()
        if let input { stdin.fileHandleForWriting.write(Data(input.utf8)) }
        try stdin.fileHandleForWriting.close()
        // Read on a Dispatch thread: the tool talks to pcscd, which talks to our bridge, which
        // needs the cooperative pool free to answer.
        let data: Data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = pipe.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
