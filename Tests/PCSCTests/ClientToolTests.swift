import Foundation
import Testing
import VPCDBridge

/// Other PC/SC clients (OpenSC, pyscard) against the bridge's card through the same pcscd:
/// the bridge must look like a card to them, not only to our backend.
extension PCSCTierTests {
@Suite struct ClientTool {
    @Test func openSCPrintsTheATR() async throws {
        try await PCSCTier.withCard { _, _ in
            let result = try await PCSCTier.run("/usr/bin/opensc-tool", ["-r", "0", "-a"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("3b:bf:96:00:81:31:fe:5d:00:64:04:11:03:01:31:c0:73:f7:01:d0:00:90:00:7d"))
        }
    }

    @Test func openSCNamesTheCardTCOS() async throws {
        try await PCSCTier.withCard { _, _ in
            let result = try await PCSCTier.run("/usr/bin/opensc-tool", ["-r", "0", "-n"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("TCOS"), "\(result.output)")
        }
    }

    @Test func openSCSendsSelectMF() async throws {
        let card = MinimalCard()
        try await PCSCTier.withCard(card) { bridge, _ in
            let before = bridge.statistics.apdus
            let result = try await PCSCTier.run("/usr/bin/opensc-tool", ["-r", "0", "-s", "00A4000C023F00"])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("Received (SW1=0x90, SW2=0x00)"), "\(result.output)")
            #expect(bridge.statistics.apdus > before)
        }
    }

    @Test func pyscardTransmitsOneAPDU() async throws {
        let script = """
            from smartcard.System import readers
            r = [x for x in readers() if str(x) == 'Virtual PCD 00 00'][0]
            c = r.createConnection(); c.connect()
            print(bytes(c.getATR()).hex())
            data, sw1, sw2 = c.transmit([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x2F, 0x02])
            data, sw1, sw2 = c.transmit([0x00, 0xB0, 0x00, 0x00, 0x04])
            print(bytes(data).hex(), '%02X%02X' % (sw1, sw2))
            """
        try await PCSCTier.withCard { _, _ in
            let result = try await PCSCTier.run("/usr/bin/python3", ["-c", script])
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("3bbf96008131fe5d0064041103013 1c073f701d00090007d".replacingOccurrences(of: " ", with: "")))
            #expect(result.output.contains("00010203 9000"), "\(result.output)")
        }
    }
}
}
