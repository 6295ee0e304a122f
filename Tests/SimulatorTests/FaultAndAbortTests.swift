import CCID
import Simulator
import Testing
import USBLink

@Suite struct AbortAndBusyTests {
    @Test func abortAnswersThePendingCommandThenTheAbort() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1(timeExtensions: 3))
        try await reader.send(CCIDMessage(sequence: 5, payload: xfr(bytes("00A4000C022F00"))))
        #expect(try await reader.read() == reply(0x80, seq: 5, 0x80, 0x01, 0x00))
        let abort = CCIDClassRequest.abort(interface: 0, slot: 0, sequence: 5)
        _ = try await reader.control(USBControlSetup(bytes: abort.setupPacket)!, data: [], deadline: .milliseconds(100))
        #expect(try await reader.read() == reply(0x80, seq: 5, 0x40, 0xFF, 0x00))
        #expect(try await reader.exchange(sequence: 5, .abort) == reply(0x81, seq: 5, 0x00, 0x00, 0x00))
        // Nothing else is left over.
        await #expect(throws: USBError.timeout("simulated reader sent nothing")) { _ = try await reader.read(timeoutMs: 10) }
    }

    @Test func secondCommandWhileBusyGetsCmdSlotBusy() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        try await reader.send(CCIDMessage(sequence: 1, payload: xfr(bytes("00A4000C022F00"))))
        try await reader.send(CCIDMessage(sequence: 2, payload: .getSlotStatus))
        #expect(try await reader.read() == reply(0x80, seq: 1, 0x00, 0x00, 0x00, [0x90, 0x00]))
        #expect(try await reader.read() == reply(0x81, seq: 2, 0x40, 0xE0, 0x00))
        // Once the reply is collected the slot is free again.
        #expect(try await reader.exchange(sequence: 3, .getSlotStatus) == reply(0x81, seq: 3, 0x00, 0x00, 0x00))
    }
}

@Suite struct FaultInjectionTests {
    func reader() async throws -> SimulatedCCIDReader {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        return reader
    }

    @Test func staleFrameFirst() async throws {
        let reader = try await reader()
        await reader.inject(.staleFrameFirst)
        try await reader.send(CCIDMessage(sequence: 8, payload: .getSlotStatus))
        #expect(try await reader.read() == reply(0x81, seq: 7, 0x00, 0x00, 0x00))
        #expect(try await reader.read() == reply(0x81, seq: 8, 0x00, 0x00, 0x00))
    }

    @Test func previousAnswerFirst() async throws {
        let reader = try await reader()
        let first = try await reader.exchange(sequence: 3, .xfrBlock(bwi: 0, levelParameter: 0, data: [0x00, 0xB0, 0x00, 0x00, 0x02]))
        await reader.inject(.previousAnswerFirst)
        try await reader.send(CCIDMessage(sequence: 4, payload: .getSlotStatus))
        #expect(try await reader.read() == first, "the old DataBlock, bSeq 3, comes again first")
        #expect(try await reader.read() == reply(0x81, seq: 4, 0x00, 0x00, 0x00))
    }

    @Test func garbageFirst() async throws {
        let reader = try await reader()
        await reader.inject(.garbageFirst([0xDE, 0xAD, 0xBE, 0xEF]))
        try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus))
        #expect(try await reader.read() == [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(try await reader.read() == reply(0x81, seq: 1, 0x00, 0x00, 0x00))
    }

    @Test func wrongLength() async throws {
        let reader = try await reader()
        await reader.inject(.wrongLength(delta: 3))
        let answer = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        #expect(answer == bytes("80 05000000 00 01 000000 9000"))
        #expect(throws: CCIDError.self) { _ = try CCIDMessage(parsing: answer) }
    }

    @Test func splitIntoShortPackets() async throws {
        let reader = try await reader()
        _ = try await reader.exchange(sequence: 0, xfr(bytes("00A4000C022F00")))
        await reader.inject(.split(packetSize: 5))
        try await reader.send(CCIDMessage(sequence: 1, payload: xfr(bytes("00B0000004"))))
        #expect(try await reader.read() == bytes("80 06000000"))
        #expect(try await reader.read() == bytes("00 01 000000"))
        #expect(try await reader.read() == bytes("00010203 90"))
        #expect(try await reader.read() == bytes("00"))
    }

    @Test func silenceTimesOut() async throws {
        let reader = try await reader()
        await reader.inject(.silence)
        try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus))
        let start = ContinuousClock.now
        await #expect(throws: USBError.timeout("simulated reader sent nothing")) { _ = try await reader.read(timeoutMs: 30) }
        #expect(ContinuousClock.now - start >= .milliseconds(30))
        // The next command is answered normally.
        #expect(try await reader.exchange(sequence: 2, .getSlotStatus) == reply(0x81, seq: 2, 0x00, 0x00, 0x00))
    }

    @Test func waitingBulkInIsResumedByTheReply() async throws {
        let reader = try await reader()
        async let answer = reader.read(timeoutMs: 2000)
        try await Task.sleep(for: .milliseconds(20))
        try await reader.send(CCIDMessage(sequence: 4, payload: .getSlotStatus))
        #expect(try await answer == reply(0x81, seq: 4, 0x00, 0x00, 0x00))
    }

    @Test func disappearFailsEverythingWithNoDevice() async throws {
        let reader = try await reader()
        let waiting = Task { try await reader.read(timeoutMs: 2000) }
        try await Task.sleep(for: .milliseconds(20))
        await reader.disappear()
        let gone = USBError.noDevice("simulated reader unplugged")
        await #expect(throws: gone) { _ = try await waiting.value }
        await #expect(throws: gone) { try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus)) }
        await #expect(throws: gone) {
            _ = try await reader.control(USBControlSetup(bmRequestType: 0x80, bRequest: 6, wValue: 0x0100, wIndex: 0, wLength: 18),
                                         data: [], deadline: .milliseconds(10))
        }
        await #expect(throws: gone) { try await reader.reset(deadline: .milliseconds(10)) }
    }

    @Test func overflowWhenTheHostAsksForTooLittle() async throws {
        let reader = try await reader()
        try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus))
        await #expect(throws: USBError(.overflow, "10 bytes for a 4-byte transfer")) {
            _ = try await reader.bulkIn(maxLength: 4, endpoint: 0x82, deadline: .milliseconds(100))
        }
    }
}

@Suite struct CancellationTests {
    @Test func cancellingAWaitingBulkInEndsIt() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        let waiting = Task { try await reader.read(timeoutMs: 5000) }
        try await Task.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        waiting.cancel()
        await #expect(throws: USBError(.io, "transfer cancelled")) { _ = try await waiting.value }
        #expect(ContinuousClock.now - start < .seconds(1))
        // The reader still works afterwards.
        #expect(try await reader.exchange(sequence: 1, .getSlotStatus) == reply(0x81, seq: 1, 0x42, 0xFE, 0x00))
    }
}
