import APDU
import CCID
@testable import CCIDReader
import Testing
import USBLink

/// TCOS 3.0 as OpenSC knows it (DESIGN.md): TA1 96, T=1, IFSC 254, BWI 5, CWI 13, LRC.
let tcosATR: [UInt8] = [0x3B, 0xBF, 0x96, 0x00, 0x81, 0x31, 0xFE, 0x5D, 0x00, 0x64, 0x04, 0x11, 0x03, 0x01,
                        0x31, 0xC0, 0x73, 0xF7, 0x01, 0xD0, 0x00, 0x90, 0x00, 0x7D]

/// Power-on, protocol settlement and the exchange levels.
@Suite struct SlotSessionTests {
    @Test func powerOnFallsBackFromTheLowestVoltageUp() async throws {
        // Lowest class first, as libccid (and ISO 7816-3) do: 1.8V mute, power off, 3V answers.
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 3)), .reply(dataBlock(seq: 0, status: 0x41, error: 0xFE)),
            .out(powerOff(seq: 1)), .reply(slotStatus(seq: 1, status: 0x01)),
            .out(powerOn(seq: 2, select: 2)), .reply(dataBlock(seq: 2, [0x3B, 0x00])),
        ])
        let reader = try makeReader(link, features: 0x0001_0000, voltage: 0x07)
        let atr = try await reader.powerOn()
        #expect(atr.bytes == [0x3B, 0x00])
        #expect(await link.remaining == 0)
    }

    @Test func powerOnTriesFiveVoltsAfterThreeOnAClassNotSupported() async throws {
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 2)), .reply(dataBlock(seq: 0, status: 0x41, error: 0xF5)),
            .out(powerOff(seq: 1)), .reply(slotStatus(seq: 1, status: 0x01)),
            .out(powerOn(seq: 2, select: 1)), .reply(dataBlock(seq: 2, tcosATR)),
        ])
        let reader = try makeReader(link, features: 0x0001_0000, voltage: 0x03)
        #expect(try await reader.powerOn().bytes == tcosATR)
    }

    @Test func powerOnMuteAtEveryVoltageIsCardMute() async throws {
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 1)), .reply(dataBlock(seq: 0, status: 0x41, error: 0xFE)),
        ])
        let reader = try makeReader(link, features: 0x0001_0000, voltage: 0x01)
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.powerOn() }
        #expect(error?.code == .cardMute)
    }

    @Test func automaticVoltageAndForcedVoltage() throws {
        let auto = try makeReader(ScriptedLink([]), features: 0x0001_0008, voltage: 0x07)
        #expect(auto.powerSelectSequence == [0])
        let forced = try makeReader(ScriptedLink([]), features: 0x0001_0008, quirks: ReaderQuirks(forcedVoltage: 1))
        #expect(forced.powerSelectSequence == [1])
    }

    @Test func tpduT1WithPPSSetParametersIFSDAndIBlocks() async throws {
        let pps: [UInt8] = [0xFF, 0x11, 0x96, 0x78]
        let t1Params: [UInt8] = [0x96, 0x10, 0x00, 0x5D, 0x00, 0xFE, 0x00]
        let select: [UInt8] = [0x00, 0xA4, 0x04, 0x00, 0x02, 0x3F, 0x00]
        let read: [UInt8] = [0x00, 0xB0, 0x00, 0x00, 0x02]
        // The rates GemPC Twin lists (GemPCTwin.txt), 250000 bps among them: TA1 96 at 4 MHz.
        let gemPCTwinRates: [UInt32] = [10753, 14337, 15625, 17204, 20833, 21505, 23438, 25806, 28674, 31250,
                                        32258, 34409, 39063, 41667, 43011, 46875, 52083, 53763, 57348, 62500,
                                        64516, 68817, 71685, 78125, 83333, 86022, 93750, 104167, 107527, 114695,
                                        125000, 129032, 143369, 156250, 166667, 172043, 215054, 229391, 250000, 344086]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR)),
            .controlIn(getDataRates, answer: dataRates(gemPCTwinRates)),
            .out(xfrBlock(seq: 1, pps)), .reply(dataBlock(seq: 1, pps)),
            .out(setParameters(seq: 2, protocolNumber: 1, t1Params)), .reply(parameters(seq: 2, protocolNumber: 1, t1Params)),
            .out(xfrBlock(seq: 3, t1Block(pcb: 0xC1, [0xFE]))), .reply(dataBlock(seq: 3, t1Block(pcb: 0xE1, [0xFE]))),
            .out(xfrBlock(seq: 4, t1Block(pcb: 0x00, select))), .reply(dataBlock(seq: 4, t1Block(pcb: 0x00, [0x90, 0x00]))),
            .out(xfrBlock(seq: 5, t1Block(pcb: 0x40, read))),
            .reply(dataBlock(seq: 5, status: 0x80, error: 0x01)),  // the reader asks for time once
            .reply(dataBlock(seq: 5, t1Block(pcb: 0x40, [0xCA, 0xFE, 0x90, 0x00]))),
        ])
        // TPDU level, automatic voltage, clock and baud rate, no automatic PPS or IFSD.
        let reader = try makeReader(link, features: 0x0001_0038)
        let connection = try await reader.connect()
        #expect(connection.protocolNumber == 1)
        #expect(connection.atr.ifsc == 254)
        #expect(connection.parameters?.bytes == t1Params)
        let r1 = try await connection.channel.transmit(CommandAPDU(parsing: select))
        #expect(r1.statusWord == .success && r1.data.isEmpty)
        let r2 = try await connection.channel.transmit(CommandAPDU(parsing: read))
        #expect(r2.data == [0xCA, 0xFE])
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
    }

    @Test func aCardTooFastForTheReaderIsSlowedToARateItTakes() async throws {
        // TA1 96 at 4 MHz is 250 kbit/s; this reader (no automatic PPS, automatic IFSD) stops at
        // 115.2 kbit/s and lists no rates. libccid's "adapted speed": TA1 95 (125 kbit/s) is
        // still too fast, 94 (62.5 kbit/s) is taken, by PPS and SetParameters.
        let pps: [UInt8] = [0xFF, 0x11, 0x94, 0x7A]
        let t1Params: [UInt8] = [0x94, 0x10, 0x00, 0x5D, 0x00, 0xFE, 0x00]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR)),
            .controlIn(getDataRates, answer: nil),
            .out(xfrBlock(seq: 1, pps)), .reply(dataBlock(seq: 1, pps)),
            .out(setParameters(seq: 2, protocolNumber: 1, t1Params)), .reply(parameters(seq: 2, protocolNumber: 1, t1Params)),
        ])
        let reader = try CCIDReader(link: link, descriptor: descriptor(features: 0x0001_0438, maxDataRate: 115_200),
                                    quirks: ReaderQuirks.none, options: fastOptions())
        let connection = try await reader.connect()
        #expect(connection.parameters?.bytes == t1Params)
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
    }

    @Test func aCardTooFastIsSlowedToTheFastestRateTheReaderLists() async throws {
        // TA1 97 (500 kbit/s) on a GemPC Twin (dwMaxDataRate 344086): of 96, 95, 94 the first
        // in its GET_DATA_RATES list is 96 (250 kbit/s).
        var atr = tcosATR
        atr[2] = 0x97
        atr[atr.count - 1] = atr.dropFirst().dropLast().reduce(0, ^)
        let pps: [UInt8] = [0xFF, 0x11, 0x96, 0x78]
        let t1Params: [UInt8] = [0x96, 0x10, 0x00, 0x5D, 0x00, 0xFE, 0x00]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, atr)),
            .controlIn(getDataRates, answer: dataRates([10753, 125_000, 250_000, 344_086])),
            .out(xfrBlock(seq: 1, pps)), .reply(dataBlock(seq: 1, pps)),
            .out(setParameters(seq: 2, protocolNumber: 1, t1Params)), .reply(parameters(seq: 2, protocolNumber: 1, t1Params)),
        ])
        let reader = try CCIDReader(link: link, descriptor: descriptor(features: 0x0001_0438),
                                    quirks: ReaderQuirks.none, options: fastOptions())
        let connection = try await reader.connect()
        #expect(connection.parameters?.bytes == t1Params)
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
    }

    @Test func aSpecificModeCardAtARateTheReaderDoesNotListIsRefused() async throws {
        // TA1 96, TA2 01: the card runs T=1 at 250 kbit/s and nothing else; the reader lists
        // 10752 bps only (Feitian SCR310). libccid refuses the card; so do we, saying why.
        var atr: [UInt8] = [0x3B, 0x90, 0x96, 0x11, 0x01]
        atr.append(atr.dropFirst().reduce(0, ^))
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, atr)),
            .controlIn(getDataRates, answer: dataRates([10752])),
        ])
        let reader = try CCIDReader(link: link, descriptor: descriptor(features: 0x0001_0638, maxDataRate: 600_000),
                                    quirks: ReaderQuirks.none, options: fastOptions())
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.connect() }
        #expect(error?.code == .unsupported)
        #expect("\(error!)".contains("250000 bit/s only (TA1 0x96, specific mode)"))
        #expect(await link.remaining == 0)
    }

    @Test func aRateMissingFromTheReadersListKeepsTheDefaultRate() async throws {
        // Feitian SCR310 (Feitian_SCR310.txt): TPDU, dwMaxDataRate 600000, but GET_DATA_RATES
        // lists 10752 bps only. libccid then keeps Fd/Dd: no PPS, SetParameters with Fi/Di 11.
        let t1Params: [UInt8] = [0x11, 0x10, 0x00, 0x5D, 0x00, 0xFE, 0x00]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR)),
            .controlIn(getDataRates, answer: dataRates([10752])),
            .out(setParameters(seq: 1, protocolNumber: 1, t1Params)), .reply(parameters(seq: 1, protocolNumber: 1, t1Params)),
        ])
        let reader = try CCIDReader(link: link, descriptor: descriptor(features: 0x0001_0638, maxDataRate: 600_000),
                                    quirks: ReaderQuirks.none, options: fastOptions())
        let connection = try await reader.connect()
        #expect(connection.parameters?.bytes == t1Params)
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
    }

    @Test func automaticPPSReaderGetsSetParametersOnly() async throws {
        let t1Params: [UInt8] = [0x96, 0x10, 0x00, 0x5D, 0x00, 0xFE, 0x00]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR)),
            .controlIn(getDataRates, answer: nil),   // stalled: no list, any rate up to dwMaxDataRate
            .out(setParameters(seq: 1, protocolNumber: 1, t1Params)), .reply(parameters(seq: 1, protocolNumber: 1, t1Params)),
        ])
        // dwFeatures 0x80 automatic PPS and 0x400 automatic IFSD: libccid still sets parameters.
        let reader = try makeReader(link, features: 0x0001_04B8)
        let connection = try await reader.connect()
        #expect(connection.parameters?.bytes == t1Params)
        #expect(await link.remaining == 0)
    }

    @Test func automaticNegotiationReaderGetsNeitherPPSNorSetParameters() async throws {
        let link = ScriptedLink([.out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR))])
        let reader = try makeReader(link, features: 0x0004_00FE)
        let connection = try await reader.connect()
        #expect(connection.parameters == nil)
        #expect(connection.exchangeLevel == .extendedAPDU)
        #expect(await link.remaining == 0)
    }

    @Test func tpduT0Follows61xx() async throws {
        let t0Params: [UInt8] = [0x11, 0x00, 0x00, 0x0A, 0x00]
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, [0x3B, 0x00])),
            .out(setParameters(seq: 1, protocolNumber: 0, t0Params)), .reply(parameters(seq: 1, protocolNumber: 0, t0Params)),
            .out(xfrBlock(seq: 2, [0x00, 0xB0, 0x00, 0x00, 0x00])), .reply(dataBlock(seq: 2, [0x61, 0x04])),
            .out(xfrBlock(seq: 3, [0x00, 0xC0, 0x00, 0x00, 0x04])), .reply(dataBlock(seq: 3, [1, 2, 3, 4, 0x90, 0x00])),
        ])
        let reader = try makeReader(link, features: 0x0001_0038)
        let connection = try await reader.connect()
        #expect(connection.protocolNumber == 0)
        let response = try await connection.channel.transmit(CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 256))
        #expect(response.data == [1, 2, 3, 4])
        #expect(response.statusWord == .success)
        #expect(await link.remaining == 0)
    }

    @Test func shortAPDULevelFollows61xxThroughISO7816Channel() async throws {
        let link = ScriptedLink([
            .out(powerOn(seq: 0, select: 0)), .reply(dataBlock(seq: 0, tcosATR)),
            .out(xfrBlock(seq: 1, [0x00, 0xCA, 0x01, 0x00, 0x00])), .reply(dataBlock(seq: 1, [0x61, 0x02])),
            .out(xfrBlock(seq: 2, [0x00, 0xC0, 0x00, 0x00, 0x02])), .reply(dataBlock(seq: 2, [0xAB, 0xCD, 0x90, 0x00])),
        ])
        let reader = try makeReader(link, features: 0x0002_00FE)
        let connection = try await reader.connect()
        let response = try await connection.channel.transmit(CommandAPDU(cla: 0, ins: 0xCA, p1: 1, p2: 0, ne: 256))
        #expect(response.data == [0xAB, 0xCD])
        #expect(await link.remaining == 0)
    }

    @Test func extendedAPDUChainingBothWays() async throws {
        // dwMaxCCIDMessageLength 20: ten bytes of APDU per message.
        let apdu = (0..<25).map { UInt8($0) }
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, Array(apdu[0..<10]), level: 0x01)), .reply(dataBlock(seq: 0, chain: 0x10)),
            .out(xfrBlock(seq: 1, Array(apdu[10..<20]), level: 0x03)), .reply(dataBlock(seq: 1, chain: 0x10)),
            .out(xfrBlock(seq: 2, Array(apdu[20..<25]), level: 0x02)), .reply(dataBlock(seq: 2, chain: 0x01, [1, 2, 3])),
            .out(xfrBlock(seq: 3, [], level: 0x10)), .reply(dataBlock(seq: 3, chain: 0x03, [4, 5])),
            .out(xfrBlock(seq: 4, [], level: 0x10)), .reply(dataBlock(seq: 4, chain: 0x02, [6, 0x90, 0x00])),
        ])
        let reader = try makeReader(link, features: 0x0004_00FE, maxMessage: 20)
        let channel = CCIDAPDUChannel(reader: reader, slot: 0, extended: true)
        #expect(try await channel.transceive(apdu) == [1, 2, 3, 4, 5, 6, 0x90, 0x00])
        #expect(await link.remaining == 0)
    }

    @Test func aCommandChainTheReaderDoesNotContinueIsAnError() async throws {
        let apdu = (0..<15).map { UInt8($0) }
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, Array(apdu[0..<10]), level: 0x01)), .reply(dataBlock(seq: 0, chain: 0x00, [0x67, 0x00])),
        ])
        let reader = try makeReader(link, features: 0x0004_00FE, maxMessage: 20)
        let error = await #expect(throws: CCIDReaderError.self) {
            _ = try await CCIDAPDUChannel(reader: reader, slot: 0, extended: true).transceive(apdu)
        }
        #expect(error?.code == .protocolError)
    }

    @Test func characterLevelReadersAreRefused() async throws {
        let reader = try makeReader(ScriptedLink([]), features: 0x0000_0000)
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.connect() }
        #expect(error?.code == .unsupported)
    }
}
