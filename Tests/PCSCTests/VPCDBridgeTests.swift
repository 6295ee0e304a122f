import Foundation
import Testing
import TestSupport
import VPCDBridge

/// The bridge without pcscd: retry and stop behaviour.
struct VPCDBridgeTests {
    /// Nothing listens on port 1: the bridge backs off between attempts (no busy loop) and a
    /// cancel ends `run()` during the back-off sleep.
    @Test func backsOffAndStopsPromptlyWhenNobodyListens() async throws {
        let bridge = VPCDBridge(card: MinimalCard(), port: 1)
        let clock = ContinuousClock()
        let task = Task { await bridge.run() }
        try await Task.sleep(for: .milliseconds(400))
        let start = clock.now
        task.cancel()
        await task.value
        #expect(clock.now - start < .milliseconds(500))
        #expect(bridge.statistics.connections == 0)
    }

    /// A malformed address is a typo, named at once instead of retried for ever; it is told
    /// without DNS, so this holds in the PC/SC tier's network namespace too.
    @Test func anUnresolvableHostIsNamed() throws {
        #expect(VPCDBridge.unresolvable(host: "127.0.0.1") == nil)
        #expect(VPCDBridge.unresolvable(host: "::1") == nil)
        #expect(VPCDBridge.unresolvable(host: "localhost") == nil)
        #expect(VPCDBridge.unresolvable(host: "999.1.1.1") == "999.1.1.1 is not a valid IPv4 or IPv6 address")
        #expect(VPCDBridge.unresolvable(host: "::g") == "::g is not a valid IPv4 or IPv6 address")
        let result = try CommandRunner.run(["simulate", "vpcd", "--host", "999.1.1.1"], timeout: .seconds(10))
        #expect(result.status == 64 && !result.timedOut)
        #expect(result.stderr.contains("--host: 999.1.1.1 is not a valid IPv4 or IPv6 address"), "\(result.stderr)")
    }

    @Test func minimalCardAnswers() async {
        let card = MinimalCard()
        #expect(await card.atr == MinimalCard.tcos3ATR)
        #expect(await card.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x3F, 0x00]) == [0x90, 0x00])
        #expect(await card.transmit([0x00, 0xA4, 0x00, 0x0C, 0x02, 0x12, 0x34]) == [0x6A, 0x82])
        #expect(await card.transmit([0x00, 0xB0, 0x00, 0xFE, 0x04]) == [0xFE, 0xFF, 0x62, 0x82])
        #expect(await card.transmit([0x00, 0x20, 0x00, 0x01, 0x04, 0x30, 0x30, 0x30, 0x30]) == [0x63, 0xC2])
        #expect(await card.transmit([0x00, 0x20, 0x00, 0x01]) == [0x63, 0xC2])
        #expect(await card.transmit([0x00, 0x20, 0x00, 0x01, 0x04, 0x31, 0x32, 0x33, 0x34]) == [0x90, 0x00])
        #expect(await card.transmit([0x00, 0xCA, 0x00, 0x00, 0x00]) == [0x6D, 0x00])
    }
}
