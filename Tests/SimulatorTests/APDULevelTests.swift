import CCID
import Simulator
import Testing
import USBLink

@Suite struct APDULevelTests {
    @Test func shortAPDUExchange() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        #expect(try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00"))) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
        #expect(try await reader.exchange(sequence: 2, xfr(bytes("00B0000004"))) == reply(0x80, seq: 2, 0, 0, 0, bytes("00010203 9000")))
    }

    @Test func extendedResponseIsChained() async throws {
        let reader = SimulatedCCIDReader(profile: .extendedAPDUReader)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        _ = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        // 300 bytes + SW = 302 > 261 (dwMaxCCIDMessageLength 271 - 10): two parts.
        let file = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        #expect(try await reader.exchange(sequence: 2, xfr(bytes("00B00000 00012C"))) ==
                reply(0x80, seq: 2, 0, 0, 0x01, Array(file[0..<261])))
        #expect(try await reader.exchange(sequence: 3, xfr([], level: 0x0010)) ==
                reply(0x80, seq: 3, 0, 0, 0x02, Array(file[261...]) + [0x90, 0x00]))
        // Nothing left to continue: wLevelParameter (offset 8) is a bad parameter.
        #expect(try await reader.exchange(sequence: 4, xfr([], level: 0x0010)) == reply(0x80, seq: 4, 0x40, 0x08, 0x00))
    }

    @Test func extendedCommandIsChained() async throws {
        let reader = SimulatedCCIDReader(profile: .extendedAPDUReader)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        _ = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        let data = Array(repeating: UInt8(0x5A), count: 300)
        let update = bytes("00D60000 00012C") + data
        #expect(try await reader.exchange(sequence: 2, xfr(Array(update[0..<261]), level: 0x0001)) ==
                reply(0x80, seq: 2, 0, 0, 0x10))
        #expect(try await reader.exchange(sequence: 3, xfr(Array(update[261...]), level: 0x0002)) ==
                reply(0x80, seq: 3, 0, 0, 0x00, [0x90, 0x00]))
        let card = try #require(await reader.card() as? MemoryCard)
        #expect(card.files[0x2F00] == data)
    }

    @Test func extendedCommandInThreeParts() async throws {
        let reader = SimulatedCCIDReader(profile: .extendedAPDUReader)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        _ = try await reader.exchange(sequence: 1, xfr(bytes("00A4000C022F00")))
        let update = bytes("00D60000 00012C") + Array(repeating: UInt8(0x33), count: 300)
        #expect(try await reader.exchange(sequence: 2, xfr(Array(update[0..<100]), level: 1)) == reply(0x80, seq: 2, 0, 0, 0x10))
        #expect(try await reader.exchange(sequence: 3, xfr(Array(update[100..<200]), level: 3)) == reply(0x80, seq: 3, 0, 0, 0x10))
        #expect(try await reader.exchange(sequence: 4, xfr(Array(update[200...]), level: 2)) == reply(0x80, seq: 4, 0, 0, 0, [0x90, 0x00]))
    }

    @Test func timeExtensionsBeforeTheAnswer() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1(timeExtensions: 2))
        try await reader.send(CCIDMessage(sequence: 9, payload: xfr(bytes("00A4000C022F00"))))
        #expect(try await reader.read() == reply(0x80, seq: 9, 0x80, 0x01, 0x00))
        #expect(try await reader.read() == reply(0x80, seq: 9, 0x80, 0x01, 0x00))
        #expect(try await reader.read() == reply(0x80, seq: 9, 0x00, 0x00, 0x00, [0x90, 0x00]))
    }
}

@Suite struct ParameterTests {
    @Test func parametersFollowTheATRAndCanBeSet() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        try await reader.insertAndPowerOn(MemoryCard.t1(ifsc: 0x20))
        let fromATR = bytes("11 10 00 45 00 20 00")
        #expect(try await reader.exchange(sequence: 1, .getParameters) == reply(0x82, seq: 1, 0, 0, 0x01, fromATR))
        let faster = CCIDProtocolData.t1(.init(bmFindexDindex: 0x13, bmTCCKST1: 0x10, bGuardTimeT1: 0,
                                              bmWaitingIntegersT1: 0x45, bClockStop: 0, bIFSC: 0xFE, bNadValue: 0))
        #expect(try await reader.exchange(sequence: 2, .setParameters(faster)) ==
                reply(0x82, seq: 2, 0, 0, 0x01, bytes("13 10 00 45 00 FE 00")))
        #expect(try await reader.exchange(sequence: 3, .resetParameters) == reply(0x82, seq: 3, 0, 0, 0x01, fromATR))
    }

    @Test func unsupportedValuesNameTheirOffset() async throws {
        let reader = SimulatedCCIDReader(profile: .tpduT1Reader)
        try await reader.insertAndPowerOn(MemoryCard.t1(ifsc: 0x20))
        let current = bytes("11 10 00 45 00 20 00")
        // bmTCCKST1 (offset 11) must be 0x10-0x13.
        let badChecksum = CCIDProtocolData.t1(.init(bmTCCKST1: 0x20))
        #expect(try await reader.exchange(sequence: 1, .setParameters(badChecksum)) == reply(0x82, seq: 1, 0x40, 0x0B, 0x01, current))
        // Fi index 7 is reserved (offset 10).
        let badFi = CCIDProtocolData.t1(.init(bmFindexDindex: 0x71))
        #expect(try await reader.exchange(sequence: 2, .setParameters(badFi)) == reply(0x82, seq: 2, 0x40, 0x0A, 0x01, current))
        // IFSC 0xFF (offset 15).
        let badIFSC = CCIDProtocolData.t1(.init(bIFSC: 0xFF))
        #expect(try await reader.exchange(sequence: 3, .setParameters(badIFSC)) == reply(0x82, seq: 3, 0x40, 0x0F, 0x01, current))
        // T=0 on a T=1-only card: bProtocolNum (offset 7).
        #expect(try await reader.exchange(sequence: 4, .setParameters(.t0(.init()))) == reply(0x82, seq: 4, 0x40, 0x07, 0x01, current))
    }
}
