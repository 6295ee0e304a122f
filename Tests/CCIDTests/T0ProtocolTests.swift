import CCID
import Testing

/// T=0 APDU-to-TPDU mapping (ISO 7816-3 §12.2) against a scripted TPDU reader.
@Suite struct T0ProtocolTests {
    private func run(_ steps: [ScriptedCard.Step], envelope: Bool = false, _ apdu: [UInt8]) async throws -> [UInt8] {
        let card = ScriptedCard(steps)
        let t0 = T0Protocol(transport: card, extendedLength: envelope ? .envelope : .reject)
        let response = try await t0.transceive(apdu)
        let failures = await card.failures
        #expect(failures.isEmpty, "\(failures)")
        #expect(await card.finished)
        return response
    }

    @Test func case1SendsP3Zero() async throws {
        #expect(try await run([step([0x00, 0x44, 0, 0, 0x00], [0x90, 0x00])], [0x00, 0x44, 0, 0]) == [0x90, 0x00])
    }

    @Test func case2UsesLeAndCorrectsIt() async throws {
        let response = try await run([
            step([0x00, 0xB0, 0, 0, 0x00], [0x6C, 0x03]),
            step([0x00, 0xB0, 0, 0, 0x03], [1, 2, 3, 0x90, 0x00]),
        ], [0x00, 0xB0, 0, 0, 0x00])
        #expect(response == [1, 2, 3, 0x90, 0x00])
    }

    @Test func case2CollectsRepeatedGetResponse() async throws {
        let response = try await run([
            step([0x00, 0xCA, 0x01, 0x02, 0x10], [0x61, 0x04]),
            step([0x00, 0xC0, 0, 0, 0x04], [1, 2, 3, 4, 0x61, 0x02]),
            step([0x00, 0xC0, 0, 0, 0x02], [0x6C, 0x01]),
            step([0x00, 0xC0, 0, 0, 0x01], [5, 0x90, 0x00]),
        ], [0x00, 0xCA, 0x01, 0x02, 0x10])
        #expect(response == [1, 2, 3, 4, 5, 0x90, 0x00])
    }

    @Test func case3SendsLcAndData() async throws {
        #expect(try await run([step([0x00, 0xD6, 0, 0, 2, 0xAA, 0xBB], [0x90, 0x00])],
                              [0x00, 0xD6, 0, 0, 2, 0xAA, 0xBB]) == [0x90, 0x00])
    }

    @Test func case4DropsLeAndFetchesOn61() async throws {
        let response = try await run([
            step([0x01, 0xA4, 4, 0, 2, 0x3F, 0x00], [0x61, 0x02]),
            step([0x01, 0xC0, 0, 0, 0x02], [0x62, 0x6F, 0x90, 0x00]),
        ], [0x01, 0xA4, 4, 0, 2, 0x3F, 0x00, 0x00])
        #expect(response == [0x62, 0x6F, 0x90, 0x00])
    }

    @Test func case4With9000AsksForLe() async throws {
        let response = try await run([
            step([0x00, 0x88, 0, 0, 1, 0x42], [0x90, 0x00]),
            step([0x00, 0xC0, 0, 0, 0x08], [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00]),
        ], [0x00, 0x88, 0, 0, 1, 0x42, 0x08])
        #expect(response == [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00])
        let refused = try await run([
            step([0x00, 0x88, 0, 0, 1, 0x42], [0x90, 0x00]),
            step([0x00, 0xC0, 0, 0, 0x08], [0x69, 0x85]),
        ], [0x00, 0x88, 0, 0, 1, 0x42, 0x08])
        #expect(refused == [0x90, 0x00])
    }

    @Test func extendedNeFallsBackToShortLe() async throws {
        let response = try await run([
            step([0x00, 0xB0, 0, 0, 0x00], [1, 0x61, 0x01]),
            step([0x00, 0xC0, 0, 0, 0x01], [2, 0x90, 0x00]),
        ], [0x00, 0xB0, 0, 0, 0x00, 0x01, 0x00])
        #expect(response == [1, 2, 0x90, 0x00])
    }

    @Test func longCommandsUseEnvelopeOrAreRejected() async throws {
        let apdu: [UInt8] = [0x00, 0xDA, 0, 0, 0x00, 0x01, 0x2C] + Array(repeating: 7, count: 300)
        let response = try await run([
            step([0x10, 0xC2, 0, 0, 0xFF] + Array(apdu[0..<255]), [0x90, 0x00]),
            step([0x00, 0xC2, 0, 0, 52] + Array(apdu[255...]), [0x90, 0x00]),
        ], envelope: true, apdu)
        #expect(response == [0x90, 0x00])
        let t0 = T0Protocol(transport: ScriptedCard([]))
        await #expect(throws: T0Error(.extendedLengthNotSupported, "Nc 300")) { try await t0.transceive(apdu) }
    }

    @Test func malformedAndMisbehaving() async throws {
        let t0 = T0Protocol(transport: ScriptedCard([]))
        await #expect(throws: T0Error.self) { try await t0.transceive([0x00, 0xA4, 0]) }
        await #expect(throws: T0Error.self) { try await t0.transceive([0x00, 0xA4, 0, 0, 3, 1]) }
        let short = T0Protocol(transport: ScriptedCard([step([0, 0x44, 0, 0, 0], [0x90])]))
        await #expect(throws: T0Error(.responseTooShort, "1 byte(s)")) { try await short.transceive([0, 0x44, 0, 0]) }
        var endless = T0Protocol(transport: EndlessMoreData())
        endless.maxRounds = 50
        await #expect(throws: T0Error(.tooManyResponses, "50 rounds")) { try await endless.transceive([0, 0xB0, 0, 0, 1]) }
    }

    @Test func procedureBytes() throws {
        #expect(try T0Procedure(0x60, ins: 0xA4) == .null)
        #expect(try T0Procedure(0xA4, ins: 0xA4) == .ackAll)
        #expect(try T0Procedure(0x5B, ins: 0xA4) == .ackOne)
        #expect(try T0Procedure(0x61, ins: 0xA4) == .sw1(0x61))
        #expect(try T0Procedure(0x90, ins: 0xA4) == .sw1(0x90))
        #expect(throws: T0Error.self) { try T0Procedure(0x00, ins: 0xA4) }
        #expect(throws: T0Error(.conflictingINS, "INS 101")) { try T0Procedure(0x65, ins: 0x65) }
        #expect(throws: T0Error.self) { try T0Procedure(0x60, ins: 0x92) }
    }

    @Test func procedureStream() throws {
        let r = try T0Procedure.interpret(ins: 0xB0, received: [0x60, 0x4F, 1, 0x60, 0xB0, 2, 3, 0x90, 0x00], expected: 3)
        #expect(r.data == [1, 2, 3] && r.sw1 == 0x90 && r.sw2 == 0)
        let none = try T0Procedure.interpret(ins: 0xD6, received: [0x6A, 0x82], expected: 0)
        #expect(none.data.isEmpty && none.sw1 == 0x6A && none.sw2 == 0x82)
        #expect(throws: T0Error.self) { try T0Procedure.interpret(ins: 0xB0, received: [0xB0, 1], expected: 3) }
        #expect(throws: T0Error.self) { try T0Procedure.interpret(ins: 0xB0, received: [0x90], expected: 0) }
        #expect(throws: T0Error.self) { try T0Procedure.interpret(ins: 0xB0, received: [0x90, 0, 0], expected: 0) }
        #expect(throws: T0Error.self) { try T0Procedure.interpret(ins: 0xB0, received: [0x4F, 1, 0x4F], expected: 1) }
        #expect(throws: T0Error.self) { try T0Procedure.interpret(ins: 0xB0, received: [0x60, 0x60], expected: 0) }
    }
}

struct EndlessMoreData: TPDUTransport {
    func transmit(_ bytes: [UInt8], waitMultiplier: UInt8) async throws -> [UInt8] { [0xAA, 0x61, 0x01] }
}
