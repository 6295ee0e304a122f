/// Maps command APDUs to T=0 TPDUs (ISO 7816-3 §12.2) for a reader that exchanges TPDUs and
/// handles procedure bytes itself (CCID TPDU level): P3 is Lc or Le, never both, so case 4
/// fetches its data with GET RESPONSE, 6Cxx repeats with the right P3, 61xx collects.
///
/// A value type with no mutable state: T=0 keeps nothing between commands.
public struct T0Protocol: Sendable {
    public enum ExtendedLength: Sendable, Hashable {
        /// Throw `extendedLengthNotSupported` for Nc > 255.
        case reject
        /// Send the whole command APDU in ENVELOPE (INS C2) commands of up to 255 bytes.
        case envelope
    }

    public let transport: any TPDUTransport
    public var extendedLength: ExtendedLength
    /// Bound on GET RESPONSE / re-issue rounds for one command.
    public var maxRounds = 300
    public var maxResponseLength = 65_536

    public init(transport: any TPDUTransport, extendedLength: ExtendedLength = .reject) {
        self.transport = transport
        self.extendedLength = extendedLength
    }

    public func transceive(_ apdu: [UInt8]) async throws -> [UInt8] {
        let command = try T0Command(parsing: apdu)
        let header = Array(apdu[0..<4])
        if command.dataCount > 255 {
            guard extendedLength == .envelope else {
                throw T0Error(.extendedLengthNotSupported, "Nc \(command.dataCount)")
            }
            return try await envelope(apdu, cla: apdu[0])
        }
        let data = apdu[command.dataRange]
        var tpdu = [UInt8]()
        tpdu.reserveCapacity(5 + data.count)
        tpdu.append(contentsOf: header)
        if !data.isEmpty {
            tpdu.append(UInt8(data.count))          // case 3 / 4: P3 = Lc
            tpdu.append(contentsOf: data)
        } else if let ne = command.ne {
            tpdu.append(UInt8(truncatingIfNeeded: min(ne, 256)))  // case 2: P3 = Le, 256 → 00
        } else {
            tpdu.append(0)                          // case 1: P3 = 00
        }
        return try await collect(tpdu, caseFour: !data.isEmpty && command.ne != nil, ne: command.ne)
    }

    /// Sends `tpdu` and follows 6Cxx and 61xx, bounded.
    private func collect(_ first: [UInt8], caseFour: Bool, ne: Int?) async throws -> [UInt8] {
        var tpdu = first
        var collected: [UInt8] = []
        var rounds = 0
        var askedAfterSuccess = false
        var response = try await exchange(tpdu)
        while true {
            let count = response.count
            let sw1 = response[count - 2]
            let sw2 = response[count - 1]
            if sw1 == 0x6C, tpdu[4] != sw2, tpdu.count == 5 {
                tpdu[4] = sw2                          // re-issue with the exact Le
            } else if sw1 == 0x61 {
                collected.append(contentsOf: response[0..<(count - 2)])
                tpdu = [plainClass(first[0]), 0xC0, 0x00, 0x00, sw2]
            } else if caseFour, !askedAfterSuccess, collected.isEmpty, count == 2, sw1 == 0x90, sw2 == 0x00 {
                // Case 4 completed without announcing data: ask for Ne bytes once.
                askedAfterSuccess = true
                tpdu = [plainClass(first[0]), 0xC0, 0x00, 0x00, UInt8(truncatingIfNeeded: min(ne ?? 256, 256))]
                let answer = try await exchange(tpdu)
                let sw = answer[answer.count - 2]
                // A card with nothing to give refuses GET RESPONSE: the 9000 stands.
                guard sw == 0x90 || sw == 0x61 || sw == 0x6C else { return response }
                response = answer
                continue
            } else {
                break
            }
            guard collected.count <= maxResponseLength else {
                throw T0Error(.responseTooLong, "over \(maxResponseLength) bytes")
            }
            rounds += 1
            guard rounds <= maxRounds else {
                throw T0Error(.tooManyResponses, "\(maxRounds) rounds")
            }
            response = try await exchange(tpdu)
        }
        if collected.isEmpty { return response }
        collected.append(contentsOf: response)
        guard collected.count <= maxResponseLength + 2 else {
            throw T0Error(.responseTooLong, "over \(maxResponseLength) bytes")
        }
        return collected
    }

    /// ENVELOPE (ISO 7816-4 §7.6.3): the command APDU as data of case 3 commands; every
    /// part but the last must be answered 9000.
    private func envelope(_ apdu: [UInt8], cla: UInt8) async throws -> [UInt8] {
        var start = 0
        while true {
            let end = min(start + 255, apdu.count)
            let last = end == apdu.count
            var tpdu: [UInt8] = [last ? cla & ~0x10 : cla | 0x10, 0xC2, 0x00, 0x00, UInt8(end - start)]
            tpdu.append(contentsOf: apdu[start..<end])
            if last { return try await collect(tpdu, caseFour: false, ne: nil) }
            let response = try await exchange(tpdu)
            guard response.count == 2, response[0] == 0x90, response[1] == 0x00 else {
                if response.count == 2, response[0] == 0x6D || response[0] == 0x6E || response[0] == 0x68 {
                    throw T0Error(.extendedLengthNotSupported, "card refused ENVELOPE")
                }
                return response
            }
            start = end
        }
    }

    /// GET RESPONSE goes on the command's logical channel, without chaining or SM bits.
    private func plainClass(_ cla: UInt8) -> UInt8 {
        switch cla {
        case 0x00...0x1F: return cla & 0x03
        case 0x40...0x7F: return cla & 0x4F
        default: return 0x00
        }
    }

    private func exchange(_ tpdu: [UInt8]) async throws -> [UInt8] {
        let response = try await transport.transmit(tpdu, waitMultiplier: 0)
        guard response.count >= 2 else {
            throw T0Error(.responseTooShort, "\(response.count) byte(s)")
        }
        return response
    }
}
