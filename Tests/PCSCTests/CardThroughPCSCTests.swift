import Foundation
import Simulator
import Testing
import TestSupport

/// `trustedpath card` on a reader that pcscd holds: the same TCOS code over PC/SC, and PIN
/// entry only where the reader has a keypad (part 10), never on the host.
extension PCSCTierTests {
    @Suite struct CardThroughPCSC {
        static var binary: String { CommandRunner.productsDirectory.appendingPathComponent("trustedpath").path }

        @Test func statusReadsTheTCOSCardThroughPcscd() async throws {
            try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["card", "status", "--slot", "share", "--pcsc", "Virtual PCD 00 00"])
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains("reader: \"Virtual PCD 00 00\" (through pcscd)"), "\(result.output)")
                #expect(result.output.contains("PIN 3 tries left; default PIN"), "\(result.output)")
            }
        }

        @Test func aReaderWithoutKeypadNeverTakesThePINOnTheHost() async throws {
            try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["card", "verify", "--slot", "share", "--pcsc", "Virtual PCD 00 00"])
                #expect(result.status != 0)
                #expect(result.output.contains("this reader has no PIN pad: the PIN must be typed on a PIN pad, never on the host"),
                        "\(result.output)")
            }
        }

        @Test func anUnknownReaderNameIsNamed() async throws {
            try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["card", "status", "--slot", "share", "--pcsc", "No Such Reader"])
                #expect(result.status != 0)
                #expect(result.output.contains("pcscd has no reader \"No Such Reader\""), "\(result.output)")
            }
        }
    }
}
