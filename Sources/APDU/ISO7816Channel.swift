/// A `CardChannel` that applies the transmission rules of ISO 7816-4 on top of a plain one:
/// GET RESPONSE on 61xx, re-issue with the corrected Le on 6Cxx, and command chaining or
/// short-form fallback when the channel below carries short APDUs only.
///
/// Every loop is bounded by `Options`, so a card that answers 61xx forever ends in
/// `APDUError(.tooManyResponses)` instead of a hang.
public struct ISO7816Channel: CardChannel {
    public struct Options: Sendable, Hashable {
        /// The channel below carries extended-length APDUs (CCID dwFeatures extended APDU
        /// level, or a T=1 TPDU reader). When false, long commands are chained.
        public var supportsExtendedLength = false
        /// Largest data field of one command of a chain (1...255 for short APDUs).
        public var maxChunkSize = 255
        public var collectResponses = true
        public var correctLe = true
        /// Bound on GET RESPONSE / re-issue rounds for one command.
        public var maxRounds = 300
        /// Bound on the collected response data.
        public var maxResponseLength = 65_536

        public init(supportsExtendedLength: Bool = false, maxChunkSize: Int = 255) {
            self.supportsExtendedLength = supportsExtendedLength
            self.maxChunkSize = maxChunkSize
        }
    }

    public let base: any CardChannel
    public let options: Options

    public init(_ base: any CardChannel, options: Options = Options()) {
        self.base = base
        self.options = options
    }

    public func transmit(_ command: CommandAPDU) async throws(CardChannelError) -> ResponseAPDU {
        do { return try await transmitChecked(command) } catch let error as CardChannelError {
            throw error
        } catch let error as APDUError {
            throw CardChannelError(error)
        } catch {
            throw CardChannelError(.protocolError, "\(error)")
        }
    }

    private func transmitChecked(_ command: CommandAPDU) async throws -> ResponseAPDU {
        let chunkSize = min(max(options.maxChunkSize, 1), CommandAPDU.maxShortNc)
        if options.supportsExtendedLength || (!command.isExtended && command.data.count <= chunkSize) {
            return try await collect(command)
        }
        // Ne above 256 cannot be said in short form: ask for 256 and let 61xx fetch the rest.
        let shortNe = command.ne.map { min($0, CommandAPDU.maxShortNe) }
        if command.data.count <= chunkSize {
            return try await collect(CommandAPDU(cla: command.cla, ins: command.ins, p1: command.p1,
                                                 p2: command.p2, data: command.data, ne: shortNe))
        }
        guard command.classKind != .invalid, command.classKind != .reserved else {
            throw APDUError(.invalidClass, field: "CLA", offset: 0, "class cannot carry the chaining bit")
        }
        var start = 0
        while true {
            let end = min(start + chunkSize, command.data.count)
            let last = end == command.data.count
            let part = try CommandAPDU(cla: last ? command.cla & ~CommandAPDU.chainingBit : command.cla | CommandAPDU.chainingBit,
                                       ins: command.ins, p1: command.p1, p2: command.p2,
                                       data: Array(command.data[start..<end]), ne: last ? shortNe : nil)
            if last { return try await collect(part) }
            let response = try await base.transmit(part)
            // Any status but 9000 in the middle of a chain ends it (e.g. 6884: no chaining).
            guard response.statusWord == .success else { return response }
            start = end
        }
    }

    /// Sends `command`, then follows 6Cxx and 61xx within the configured bounds.
    private func collect(_ command: CommandAPDU) async throws -> ResponseAPDU {
        var current = command
        var response = try await base.transmit(current)
        var data: [UInt8] = []
        var rounds = 0
        while true {
            let sw = response.statusWord
            if sw.sw1 == 0x6C, options.correctLe, let ne = sw.availableLength, current.ne != ne {
                current = try CommandAPDU(cla: current.cla, ins: current.ins, p1: current.p1, p2: current.p2,
                                          data: current.data, ne: ne)
            } else if sw.sw1 == 0x61, options.collectResponses, let ne = sw.availableLength {
                data.append(contentsOf: response.data)
                guard data.count <= options.maxResponseLength else {
                    throw APDUError(.responseTooLong, "over \(options.maxResponseLength) bytes")
                }
                current = try CommandAPDU(cla: command.plainClass, ins: 0xC0, p1: 0, p2: 0, ne: ne)
            } else {
                break
            }
            rounds += 1
            guard rounds <= options.maxRounds else {
                throw APDUError(.tooManyResponses, "\(options.maxRounds) rounds, last status \(sw)")
            }
            response = try await base.transmit(current)
        }
        if data.isEmpty { return response }
        data.append(contentsOf: response.data)
        guard data.count <= options.maxResponseLength else {
            throw APDUError(.responseTooLong, "over \(options.maxResponseLength) bytes")
        }
        return ResponseAPDU(data: data, statusWord: response.statusWord)
    }
}
