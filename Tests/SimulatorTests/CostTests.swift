import CCID
import Simulator
import Testing
import USBLink

/// The simulator sits under the stack benchmark (< 5 µs host-side per APDU), so its own
/// share must stay small. A loose bound that holds in debug builds on a busy machine; it
/// catches a regression to per-call tasks, timers or string building, not nanoseconds.
/// Measured: about 37 µs in debug, 1.3 µs in release (bulkOut + bulkIn, card included).
@Suite struct CostTests {
    @Test func shortAPDUExchangeIsCheap() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        _ = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        let command = CCIDMessage(sequence: 2, payload: xfr(bytes("00B0000010"))).encode()
        let rounds = 2000
        let start = ContinuousClock.now
        for _ in 0..<rounds {
            try await reader.bulkOut(command, endpoint: 0x02, deadline: .milliseconds(1000))
            _ = try await reader.bulkIn(maxLength: 300, endpoint: 0x82, deadline: .milliseconds(1000))
        }
        let perExchange = (ContinuousClock.now - start) / rounds
        #expect(perExchange < .microseconds(200), "\(perExchange) per exchange")
    }
}
