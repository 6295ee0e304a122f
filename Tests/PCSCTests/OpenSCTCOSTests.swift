import Foundation
import Simulator
import Testing
import VPCDBridge

/// OpenSC, a real client, against the simulated TCOS card through the real pcscd and vpcd:
/// it must take the card for a TCOS card and work with it as with one.
extension PCSCTierTests {
@Suite struct OpenSCWithTCOSCard {
    @Test func openSCToolNamesIt() async throws {
        try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
            let result = try await PCSCTier.run("/usr/bin/opensc-tool", ["-r", "0", "-n"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.split(separator: "\n").last == "TCOS", "\(result.output)")
        }
    }

    /// cd, ls and cat in opensc-explorer, then wrong PINs: the tries left count down, and
    /// three wrong PINs block the PIN.
    @Test func openSCExplorerBrowsesVerifiesAndBlocks() async throws {
        try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
            let session = """
                ls
                cat 2F02
                cd 4B53
                ls
                verify CHV129 313131313131
                verify CHV129 313131313131
                verify CHV129 313131313131
                verify CHV129 313233343536
                """
            let result = try await PCSCTier.run("/usr/bin/opensc-explorer", ["-r", "0"], input: session)
            let output = result.output
            #expect(output.contains("[4B53]") && output.contains("TPSHARE"), "\(output)")
            #expect(output.contains("[4B50]") && output.contains("TPP11"), "\(output)")
            #expect(output.contains("0102") && output.contains("1024"), "\(output)")
            #expect(output.contains("5a 0a 89 49 01 73 00 00 00 01 23 45") || output.contains("5A 0A 89 49 01 73"), "\(output)")
            #expect(output.contains("Incorrect code, 2 tries left."), "\(output)")
            #expect(output.contains("Incorrect code, 1 tries left."), "\(output)")
            // The third wrong PIN blocks it; then even the right PIN is refused.
            let blocked = output.components(separatedBy: "verify CHV129 313233343536").last ?? ""
            #expect(blocked.lowercased().contains("blocked"), "\(output)")
        }
    }

    @Test func pkcs15ToolListsTheCardsObjects() async throws {
        try await PCSCTier.withCard(SimulatedTCOSCard(profile: .trustedPath)) { _, _ in
            let result = try await PCSCTier.run("/usr/bin/pkcs15-tool", ["-r", "0", "-D"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("PKCS#15 Card [NetKey V3 Card]"), "\(result.output)")
            #expect(result.output.contains("PIN [PIN]") && result.output.contains("PIN [PUK]"), "\(result.output)")
            #expect(result.output.contains("Tries left     : 3"), "\(result.output)")
        }
    }
}
}
