import Foundation
import Testing
import TestSupport

/// `trustedpath pcsc …` as built, against the private pcscd and the bridge's card.
extension PCSCTierTests {
    @Suite struct PCSCCLI {
        static var binary: String { CommandRunner.productsDirectory.appendingPathComponent("trustedpath").path }

        @Test func readersShowsTheCardAndItsATR() async throws {
            try await PCSCTier.withCard { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["pcsc", "readers"])
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains("Virtual PCD 00 00  [present]  ATR 3B BF 96 00 81 31 FE 5D"), "\(result.output)")
                #expect(result.output.contains("Virtual PCD 00 01  [empty]"), "\(result.output)")
            }
        }

        @Test func featuresSaysVPCDHasNoPINPad() async throws {
            try await PCSCTier.withCard { _, _ in
                let result = try await PCSCTier.run(Self.binary, ["pcsc", "features", "--reader", "Virtual PCD 00 00"])
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains("no PC/SC part 10 features"), "\(result.output)")
            }
        }

        @Test func noServiceSaysStartPcscd() async throws {
            // pcsc-lite's client honours PCSCLITE_CSOCK_NAME: point it where no pcscd listens.
            let result = try await PCSCTier.run("/usr/bin/env", ["PCSCLITE_CSOCK_NAME=/nonexistent/pcscd.comm", Self.binary,
                                                                 "pcsc", "readers"])
            #expect(result.status == 1)
            #expect(result.output.contains("SCARD_E_NO_SERVICE"), "\(result.output)")
            #expect(result.output.contains("pcscd is not running: start it (systemctl start pcscd.socket)"), "\(result.output)")
        }
    }
}
