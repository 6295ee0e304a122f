import CCID
import Simulator
import Testing
import USBLink

@Suite struct PowerAndStatusTests {
    @Test func powerOnReturnsATROffAndStatus() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        await reader.insert(card: MemoryCard.t1(ifsc: 0x20))
        let atr = bytes("3B 80 81 31 20 45 55")
        #expect(MemoryCard.t1ATR(ifsc: 0x20) == atr)
        #expect(try await reader.exchange(sequence: 1, .getSlotStatus) == reply(0x81, seq: 1, 0x01, 0x00, 0x00))
        #expect(try await reader.exchange(sequence: 2, .iccPowerOn(powerSelect: 0)) == reply(0x80, seq: 2, 0x00, 0x00, 0x00, atr))
        #expect(try await reader.exchange(sequence: 3, .getSlotStatus) == reply(0x81, seq: 3, 0x00, 0x00, 0x00))
        #expect(try await reader.exchange(sequence: 4, .iccPowerOff) == reply(0x81, seq: 4, 0x01, 0x00, 0x00))
    }

    @Test func noCardIsAbsentAndMute() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        #expect(try await reader.exchange(sequence: 7, .getSlotStatus) == reply(0x81, seq: 7, 0x42, 0xFE, 0x00))
        #expect(try await reader.exchange(sequence: 8, .iccPowerOn(powerSelect: 0)) == reply(0x80, seq: 8, 0x42, 0xFE, 0x00))
        #expect(try await reader.exchange(sequence: 9, xfr(bytes("00A4000C022F00"))) == reply(0x80, seq: 9, 0x42, 0xFE, 0x00))
    }

    @Test func xfrToUnpoweredCardFailsInactive() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        await reader.insert(card: MemoryCard.t1())
        #expect(try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00"))) == reply(0x80, seq: 1, 0x41, 0xFE, 0x00))
    }

    @Test func voltageFallbackWhenMuteAt5V() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        await reader.insert(card: MemoryCard.t1(voltages: [.v3, .v1_8]))
        #expect(try await reader.exchange(sequence: 1, .iccPowerOn(powerSelect: 1)) == reply(0x80, seq: 1, 0x41, 0xFE, 0x00))
        let atr = MemoryCard.t1ATR()
        #expect(try await reader.exchange(sequence: 2, .iccPowerOn(powerSelect: 2)) == reply(0x80, seq: 2, 0x00, 0x00, 0x00, atr))
        // Automatic selection finds 3V by itself.
        #expect(try await reader.exchange(sequence: 3, .iccPowerOn(powerSelect: 0)) == reply(0x80, seq: 3, 0x00, 0x00, 0x00, atr))
    }

    @Test func voltageTheReaderLacksIsABadParameter() async throws {
        // The SCR3310 has bVoltageSupport 01: 5V only; bPowerSelect is byte 7.
        let reader = SimulatedCCIDReader(profile: .tpduT0Reader)
        await reader.insert(card: MemoryCard.t0())
        #expect(try await reader.exchange(sequence: 1, .iccPowerOn(powerSelect: 2)) == reply(0x80, seq: 1, 0x41, 0x07, 0x00))
    }

    @Test func badSlotNamesBSlotOffset() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        #expect(try await reader.exchange(slot: 1, sequence: 4, .getSlotStatus) == reply(0x81, slot: 1, seq: 4, 0x42, 0x05, 0x00))
        #expect(try await reader.exchange(slot: 3, sequence: 5, .iccPowerOn(powerSelect: 0)) == reply(0x80, slot: 3, seq: 5, 0x42, 0x05, 0x00))
    }

    @Test func multiSlotReaderKeepsSlotsApart() async throws {
        let reader = SimulatedCCIDReader(profile: .multiSlotReader)
        await reader.insert(card: MemoryCard.t1(), slot: 1)
        // Slot 0 absent and unchanged (00), slot 1 present and changed (11 in bits 2-3).
        #expect(try await reader.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100)) == [0x50, 0x0C])
        #expect(try await reader.exchange(slot: 0, sequence: 1, .getSlotStatus) == reply(0x81, slot: 0, seq: 1, 0x42, 0xFE, 0x00))
        #expect(try await reader.exchange(slot: 1, sequence: 2, .getSlotStatus) == reply(0x81, slot: 1, seq: 2, 0x01, 0x00, 0x00))
        #expect(try await reader.exchange(slot: 2, sequence: 3, .getSlotStatus) == reply(0x81, slot: 2, seq: 3, 0x42, 0x05, 0x00))
    }

    @Test func insertAndRemoveInterrupts() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        // A waiting interruptIn is resumed by the insertion.
        async let notified = reader.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(2000))
        try await Task.sleep(for: .milliseconds(20))
        await reader.insert(card: MemoryCard.t1())
        #expect(try await notified == [0x50, 0x03])
        await reader.remove(slot: 0)
        #expect(try await reader.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100)) == [0x50, 0x02])
        await reader.reportHardwareError(slot: 0, sequence: 7, code: 1)
        #expect(try await reader.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(100)) == [0x51, 0x00, 0x07, 0x01])
        await #expect(throws: USBError.timeout("simulated reader sent nothing")) {
            _ = try await reader.interruptIn(maxLength: 8, endpoint: 0x81, deadline: .milliseconds(10))
        }
    }

    @Test func unknownAndUnsupportedCommands() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        await reader.insert(card: MemoryCard.t1())
        try await reader.bulkOut(bytes("99 00000000 00 05 000000"), endpoint: 0x02, deadline: .milliseconds(100))
        #expect(try await reader.read() == reply(0x81, seq: 5, 0x41, 0x00, 0x00))
        #expect(try await reader.exchange(sequence: 6, .mechanical(function: 2)) == reply(0x81, seq: 6, 0x41, 0x00, 0x00))
        #expect(try await reader.exchange(sequence: 7, .escape(data: [1, 2, 3])) == reply(0x83, seq: 7, 0x01, 0x00, 0x00, [1, 2, 3]))
        // dwLength says 4, none follow: bError 1 names dwLength.
        try await reader.bulkOut(bytes("65 04000000 00 08 000000"), endpoint: 0x02, deadline: .milliseconds(100))
        #expect(try await reader.read() == reply(0x81, seq: 8, 0x41, 0x01, 0x00))
    }
}
