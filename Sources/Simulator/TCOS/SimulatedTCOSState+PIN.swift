import APDU

/// VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GET CHALLENGE, MSE.
extension SimulatedTCOSState {
    mutating func verify(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 == 0x00 else { return sw(0x6A86) }
        guard let key = resolvePIN(command.p2), var pin = pins[key] else { return sw(0x6A88) }
        if pin.triesLeft == 0 { return sw(0x6983) }
        if command.data.isEmpty {
            // The retry counter query: nothing is spent.
            return verified.contains(key) ? sw(0x9000) : sw(0x63C0 | UInt16(pin.triesLeft))
        }
        if Self.normalized(command.data) == pin.value {
            pin.triesLeft = pin.maxTries
            pins[key] = pin
            verified.insert(key)
            return sw(0x9000)
        }
        return spendTry(key, &pin)
    }

    mutating func changeReferenceData(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 == 0x00 else { return sw(0x6A86) }
        guard let key = resolvePIN(command.p2), var pin = pins[key] else { return sw(0x6A88) }
        guard !command.data.isEmpty else { return sw(0x6700) }
        if pin.triesLeft == 0 { return sw(0x6983) }
        guard let (old, new) = Self.split(command.data, firstMatching: pin.value) else {
            return spendTry(key, &pin)
        }
        guard Self.normalized(old) == pin.value else { return spendTry(key, &pin) }
        let newValue = Self.normalized(new)
        guard (4...16).contains(newValue.count) else { return sw(0x6A80) }
        pin.value = newValue
        pin.triesLeft = pin.maxTries
        pins[key] = pin
        verified.insert(key)                // the old PIN was just presented
        return sw(0x9000)
    }

    /// P1 00: PUK then new PIN; P1 01: PUK only, the counter is reset and the PIN kept.
    mutating func resetRetryCounter(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 == 0x00 || command.p1 == 0x01 else { return sw(0x6A86) }
        guard let key = resolvePIN(command.p2), var pin = pins[key] else { return sw(0x6A88) }
        guard let puk = pin.puk else { return sw(0x6985) }
        guard command.data.count >= puk.count else { return sw(0x6700) }
        if pin.pukTriesLeft == 0 { return sw(0x6983) }
        guard Array(command.data.prefix(puk.count)) == puk else {
            pin.pukTriesLeft -= 1
            pins[key] = pin
            return sw(0x63C0 | UInt16(pin.pukTriesLeft))
        }
        let rest = Array(command.data.dropFirst(puk.count))
        if command.p1 == 0x00 {
            let newValue = Self.normalized(rest)
            guard (4...16).contains(newValue.count) else { return sw(0x6A80) }
            pin.value = newValue
        } else if !rest.isEmpty {
            return sw(0x6700)
        }
        pin.pukTriesLeft = pin.pukMaxTries
        pin.triesLeft = pin.maxTries
        pins[key] = pin
        return sw(0x9000)
    }

    mutating func spendTry(_ key: SimulatedTCOSPINKey, _ pin: inout SimulatedTCOSPIN) -> [UInt8] {
        pin.triesLeft -= 1
        pins[key] = pin
        verified.remove(key)
        return sw(0x63C0 | UInt16(pin.triesLeft))
    }

    /// TCOS answers 8 random bytes and only 8.
    func getChallenge(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 == 0, command.p2 == 0 else { return sw(0x6A86) }
        guard command.data.isEmpty, command.ne == 8 else { return sw(0x6700) }
        var rng = SystemRandomNumberGenerator()
        return sw(0x9000, (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// MSE RESTORE/SET is accepted so OpenSC's signing path gets as far as PSO.
    func manageSecurityEnvironment(_ command: CommandAPDU) -> [UInt8] {
        [0x41, 0x81, 0xC1, 0xF3].contains(command.p1) ? sw(0x9000) : sw(0x6A86)
    }

    /// The PIN as ASCII digits from any block a host or PIN pad sends: ISO 9564 format 2
    /// (8 bytes, 2N...), or ASCII with FF/00 padding.
    static func normalized(_ data: [UInt8]) -> [UInt8] {
        if data.count == 8, data[0] >> 4 == 2, (4...14).contains(Int(data[0] & 0x0F)) {
            let length = Int(data[0] & 0x0F)
            var digits: [UInt8] = []
            for i in 0..<length {
                let byte = data[1 + i / 2]
                let nibble = i % 2 == 0 ? byte >> 4 : byte & 0x0F
                guard nibble <= 9 else { return data }
                digits.append(0x30 + nibble)
            }
            return digits
        }
        var out = data
        while let last = out.last, last == 0xFF || last == 0x00 { out.removeLast() }
        return out
    }

    /// Splits old||new: at the stored PIN's length (plain ASCII from a host), or in halves
    /// (two fixed-size blocks from a PIN pad).
    static func split(_ data: [UInt8], firstMatching value: [UInt8]) -> ([UInt8], [UInt8])? {
        // Padded blocks first: a pad's "123456 FF FF" would otherwise match the plain prefix
        // and leave the padding at the front of the new PIN.
        if data.count % 2 == 0, normalized(Array(data.prefix(data.count / 2))) == value {
            return (Array(data.prefix(data.count / 2)), Array(data.dropFirst(data.count / 2)))
        }
        if data.count > value.count, Array(data.prefix(value.count)) == value {
            return (Array(data.prefix(value.count)), Array(data.dropFirst(value.count)))
        }
        if data.count % 2 == 0 {
            let half = data.count / 2
            return (Array(data.prefix(half)), Array(data.dropFirst(half)))
        }
        return nil
    }
}
