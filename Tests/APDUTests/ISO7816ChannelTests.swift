import APDU
import Testing

/// A card that checks each command byte for byte and answers from a script.
actor ScriptedChannel: CardChannel {
    private var script: [([UInt8], [UInt8])]
    private var index = 0
    private(set) var failures: [String] = []

    init(_ script: [([UInt8], [UInt8])]) { self.script = script }

    var finished: Bool { index == script.count }

    func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        let bytes = command.encoded()
        guard index < script.count else {
            failures.append("unexpected command \(bytes)")
            return ResponseAPDU(statusWord: StatusWord(0x6F00))
        }
        let (expect, reply) = script[index]
        index += 1
        if bytes != expect { failures.append("command \(index): sent \(bytes), expected \(expect)") }
        do { return try ResponseAPDU(parsing: reply) } catch { throw CardChannelError(error) }
    }
}

/// The endless 61xx card.
struct AlwaysMoreData: CardChannel {
    func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        ResponseAPDU(data: [0xAA], statusWord: StatusWord(0x6101))
    }
}

@Suite struct ISO7816ChannelTests {
    private func check(_ script: [([UInt8], [UInt8])], options: ISO7816Channel.Options = .init(),
                       _ command: CommandAPDU, expect: ResponseAPDU) async throws {
        let card = ScriptedChannel(script)
        let channel = ISO7816Channel(card, options: options)
        #expect(try await channel.transmit(command) == expect)
        let failures = await card.failures
        #expect(failures.isEmpty, "\(failures)")
        #expect(await card.finished)
    }

    @Test func getResponseConcatenates() async throws {
        let select = try CommandAPDU(cla: 0x01, ins: 0xA4, p1: 4, p2: 0, data: [0xA0, 0x00], ne: 256)
        try await check([
            (select.encoded(), [1, 2, 0x61, 0x03]),
            ([0x01, 0xC0, 0, 0, 0x03], [3, 4, 5, 0x61, 0x00]),
            ([0x01, 0xC0, 0, 0, 0x00], [6, 0x90, 0x00]),
        ], select, expect: ResponseAPDU(data: [1, 2, 3, 4, 5, 6], statusWord: .success))
    }

    @Test func wrongLeIsCorrected() async throws {
        let read = try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 256)
        try await check([
            (read.encoded(), [0x6C, 0x08]),
            ([0, 0xB0, 0, 0, 0x08], [1, 2, 3, 4, 5, 6, 7, 8, 0x90, 0x00]),
        ], read, expect: ResponseAPDU(data: [1, 2, 3, 4, 5, 6, 7, 8], statusWord: .success))
    }

    @Test func sameWrongLeIsNotRepeated() async throws {
        let read = try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 8)
        try await check([(read.encoded(), [0x6C, 0x08])], read,
                        expect: ResponseAPDU(statusWord: StatusWord(0x6C08)))
    }

    @Test func longCommandIsChained() async throws {
        let data = (0..<600).map { UInt8(truncatingIfNeeded: $0) }
        let command = try CommandAPDU(cla: 0x00, ins: 0xDA, p1: 0x01, p2: 0x02, data: data, ne: 300)
        try await check([
            ([0x10, 0xDA, 1, 2, 0xFF] + Array(data[0..<255]), [0x90, 0x00]),
            ([0x10, 0xDA, 1, 2, 0xFF] + Array(data[255..<510]), [0x90, 0x00]),
            ([0x00, 0xDA, 1, 2, 90] + Array(data[510..<600]) + [0x00], [7, 0x61, 0x2C]),
            ([0x00, 0xC0, 0, 0, 0x2C], [8, 0x90, 0x00]),
        ], command, expect: ResponseAPDU(data: [7, 8], statusWord: .success))
    }

    @Test func chainStopsOnError() async throws {
        let command = try CommandAPDU(cla: 0x00, ins: 0xDA, p1: 0, p2: 0, data: Array(repeating: 1, count: 10))
        try await check([
            ([0x10, 0xDA, 0, 0, 4, 1, 1, 1, 1], [0x68, 0x84]),
        ], options: .init(maxChunkSize: 4), command, expect: ResponseAPDU(statusWord: StatusWord(0x6884)))
    }

    @Test func extendedPassthrough() async throws {
        let data = Array(repeating: UInt8(2), count: 300)
        let command = try CommandAPDU(cla: 0, ins: 0x2A, p1: 0x9E, p2: 0x9A, data: data, ne: 65_536)
        try await check([(command.encoded(), [9, 0x90, 0x00])],
                        options: .init(supportsExtendedLength: true), command,
                        expect: ResponseAPDU(data: [9], statusWord: .success))
    }

    @Test func extendedNeBecomesShortAndCollects() async throws {
        let command = try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 1_000)
        try await check([
            ([0, 0xB0, 0, 0, 0], [1, 0x61, 0x00]),
            ([0, 0xC0, 0, 0, 0], [2, 0x90, 0x00]),
        ], command, expect: ResponseAPDU(data: [1, 2], statusWord: .success))
    }

    @Test func endlessGetResponseIsBounded() async throws {
        let channel = ISO7816Channel(AlwaysMoreData())
        let command = try CommandAPDU(cla: 0, ins: 0xB0, p1: 0, p2: 0, ne: 1)
        // The APDU layer's own error travels inside the seam's, a protocol failure.
        let endless = await #expect(throws: CardChannelError.self) { try await channel.transmit(command) }
        #expect(endless?.apdu?.code == .tooManyResponses && endless?.cause == .protocolError)
        var options = ISO7816Channel.Options()
        options.maxResponseLength = 10
        let long = await #expect(throws: CardChannelError.self) {
            try await ISO7816Channel(AlwaysMoreData(), options: options).transmit(command)
        }
        #expect(long?.apdu == APDUError(.responseTooLong, "over 10 bytes"))
    }

    @Test func byteChannelParses() async throws {
        let channel = ByteCardChannel { bytes in bytes.count == 4 ? [0x90, 0x00] : [0x90] }
        #expect(try await channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0)).statusWord == .success)
        let error = await #expect(throws: CardChannelError.self) {
            try await channel.transmit(CommandAPDU(cla: 0, ins: 0xA4, p1: 0, p2: 0, ne: 1))
        }
        #expect(error?.apdu?.code == .truncated)
    }
}
