import Foundation
import Testing
import TestSupport
import TrustedPathCore
@testable import Quorum

/// Our shares against an implementation that is not ours: the Lagrange interpolation of
/// SLIP-39's reference code (shamir-mnemonic 0.3.0 from PyPI, GF(256) with 0x11B, log tables),
/// which scripts/bootstrap installs in .venv-tools from the wheel kept in Fixtures/tools.
///
/// A missing tool fails these tests rather than skipping them: `make test` bootstraps first,
/// so a missing venv means the cross-check would silently not happen.
@Suite struct IndependentImplementationTests {
    static let python = Fixture.root.deletingLastPathComponent().appendingPathComponent(".venv-tools/bin/python")

    /// Runs `script` under the venv's Python with `input` on standard input; its output lines.
    static func runPython(_ script: String, input: String) throws -> [String]? {
        guard FileManager.default.isExecutableFile(atPath: python.path) else {
            Issue.record("\(python.path) is missing: run scripts/bootstrap (it installs shamir-mnemonic from Fixtures/tools)")
            return nil
        }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "shamir-mnemonic's script failed")
        return output.split(separator: "\n").map(String.init)
    }

    /// Every 2 <= k <= n <= 16: any k of our shares, interpolated at 0 by shamir-mnemonic,
    /// give our key.
    @Test func shamirMnemonicRecombinesOurShares() throws {
        var generator = SeededGenerator(state: 31337)
        var cases: [(key: SecretBytes, chosen: [ShareRecord])] = []
        for n in 2...16 {
            for k in 2...n {
                let key = randomKey(&generator)
                let records = try Quorum.split(key, k: k, n: n, keyCheck: testKeyCheck, using: &generator)
                cases.append((key, Array(records.shuffled(using: &generator).prefix(k))))
            }
        }
        let input = cases.map { entry in
            entry.chosen.map { "\($0.x):" + $0.y.withBytes { Hex.lower($0) } }.joined(separator: " ")
        }.joined(separator: "\n")
        let script = """
            import sys
            from shamir_mnemonic.shamir import _interpolate, RawShare
            for line in sys.stdin.read().split("\\n"):
                shares = [RawShare(int(x), bytes.fromhex(y)) for x, y in (p.split(":") for p in line.split())]
                print(_interpolate(shares, 0).hex())
            """
        guard let theirs = try Self.runPython(script, input: input) else { return }
        #expect(cases.count == 120)
        #expect(theirs == cases.map { $0.key.withBytes { Hex.lower($0) } })
    }

    /// The other way: shamir-mnemonic makes the shares (a random polynomial through the
    /// secret at 0 and k-1 random points, evaluated at the other x by its interpolation), and
    /// our combine recovers the secret from any k of them.
    @Test func ourCombineRecoversSharesMadeByShamirMnemonic() throws {
        let script = """
            import random
            from shamir_mnemonic.shamir import _interpolate, RawShare
            rng = random.Random(2718)
            for n in range(2, 17):
                for k in range(2, n + 1):
                    secret = bytes(rng.randrange(256) for _ in range(32))
                    base = [RawShare(0, secret)] + [RawShare(x, bytes(rng.randrange(256) for _ in range(32))) for x in range(1, k)]
                    shares = base[1:] + [RawShare(x, _interpolate(base, x)) for x in range(k, n + 1)]
                    print(k, n, secret.hex(), " ".join(f"{s.x}:{s.data.hex()}" for s in shares))
            """
        guard let lines = try Self.runPython(script, input: "") else { return }
        #expect(lines.count == 120)
        var generator = SeededGenerator(state: 4242)
        for line in lines {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count >= 4, let k = Int(fields[0]), let n = Int(fields[1]) else {
                Issue.record("unexpected line from the script: \(line)")
                continue
            }
            let points = fields.dropFirst(3).compactMap { field -> (x: UInt8, y: SecretBytes)? in
                let parts = field.split(separator: ":")
                guard parts.count == 2, let x = UInt8(parts[0]), let y = Hex.decode(String(parts[1])) else { return nil }
                return (x, SecretBytes(y))
            }
            #expect(points.count == n)
            for _ in 0..<2 {
                let chosen = Array(points.shuffled(using: &generator).prefix(k))
                let key = try Shamir.interpolate(chosen)
                #expect(key.withBytes { Hex.lower($0) } == fields[2], "k=\(k) n=\(n)")
            }
        }
    }
}
