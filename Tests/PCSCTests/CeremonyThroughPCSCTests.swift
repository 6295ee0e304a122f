import Foundation
import Simulator
import Testing
import TestSupport

/// `trustedpath ceremony` on a reader that pcscd holds (`--pcsc`): the station asks pcscd's
/// driver for part 10 PIN entry before the first prompt. vpcd's reader has no keypad, so this
/// tier sees the refusal; PIN entry through part 10 itself is covered by the PIN-pad tests.
extension PCSCTierTests {
    @Suite struct CeremonyThroughPCSC {
        static var binary: String { CommandRunner.productsDirectory.appendingPathComponent("trustedpath").path }

        static func journal() -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("tp-pcsc-ceremony-\(UUID().uuidString).json").path
        }

        @Test func aReaderWithoutKeypadStopsTheCeremonyBeforeAnyPrompt() async throws {
            try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
                let journal = Self.journal()
                let result = try await PCSCTier.run(Self.binary, ["ceremony", "create", "--quorum", "2/3",
                                                                   "--pcsc", "Virtual PCD 00 00", "--journal", journal])
                #expect(result.status != 0)
                #expect(result.output.contains("offers no PIN entry on a keypad"), "\(result.output)")
                #expect(!result.output.contains("Write New Key"), "no prompt, no key, no card written: \(result.output)")
                #expect(!FileManager.default.fileExists(atPath: journal), "no set begun")
            }
        }

        @Test func anUnknownReaderNameIsNamedWithThoseThereAre() async throws {
            try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["ceremony", "restore", "--pcsc", "No Such Reader",
                                                                   "--journal", Self.journal()])
                #expect(result.status != 0)
                #expect(result.output.contains("pcscd has no reader \"No Such Reader\"; it has: \"Virtual PCD 00 00\""),
                        "\(result.output)")
            }
        }
    }
}
