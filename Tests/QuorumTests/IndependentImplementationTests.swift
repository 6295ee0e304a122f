import Foundation
import Testing
import TestSupport
import TrustedPathCore
@testable import Quorum

/// Our shares, recombined by an implementation that is not ours: the Lagrange interpolation
/// of SLIP-39's reference code (PyPI shamir-mnemonic 0.3.0, GF(256) with 0x11B, log tables),
/// which scripts/bootstrap installs in .venv-tools.
@Suite struct IndependentImplementationTests {
    static let python = Fixture.root.deletingLastPathComponent().appendingPathComponent(".venv-tools/bin/python")

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: python.path),
                   "needs shamir-mnemonic in .venv-tools, which scripts/bootstrap installs from PyPI"))
    func shamirMnemonicRecombinesOurShares() throws {
        var generator = SeededGenerator(state: 31337)
        var cases: [(key: SecretBytes, chosen: [ShareRecord])] = []
        for n in [3, 5, 16] {
            for k in Set([2, 3, n]) where k <= n {
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
        let process = Process()
        process.executableURL = Self.python
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let output = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let theirs = output.split(separator: "\n").map(String.init)
        #expect(theirs == cases.map { $0.key.withBytes { Hex.lower($0) } })
    }
}
