import PEDProtocol
import Quorum
import TrustedPathCore

/// The PED's firmware: what each request makes it ask of the person, and what it answers.
extension SimulatedPED {
    /// A failed step: the status and a detail for the host (never a secret).
    struct Stop: Error {
        var status: PEDStatus
        var detail: String
    }

    func handle(_ request: PEDRequest) -> PEDReply {
        do {
            switch request {
            case .hello:
                display.show(["PED \(firmware)", "HSM connected"])
                return .hello(PEDIdentity(firmware: firmware, power: power, serial: serial))
            case .keepAlive: return .keepAlive
            case .cancel: return .cancel
            case .showPrompt(let lines):
                display.show(lines)
                return .showPrompt
            case let .readSecret(role, policy, _): return try readSecret(role: role, policy: policy)
            case let .writeSecret(role, policy, options, _, secret):
                return try writeSecret(role: role, policy: policy, options: options, secret: secret)
            case let .duplicateKey(role, _): return try duplicateKey(role: role)
            case let .setPIN(role, _): return try setPIN(role: role)
            }
        } catch {
            display.show(["Operation failed", error.status.name])
            return .failure(request.type, error.status, error.detail)
        }
    }

    // MARK: The person

    private func next() -> PEDAction {
        actions.isEmpty ? .nothingUntilTimeout : actions.removeFirst()
    }

    /// Waits for a key to be inserted; returns it (which may be blank).
    private func awaitKey(_ prompt: [String], counted: Int = 0) throws(Stop) -> SimulatedPEDKey {
        display.show(prompt)
        let action = next()
        switch action {
        case .insert(let raw):
            log.append("inserts key \(PEDKeyID(raw))")
            guard let key = keys[PEDKeyID(raw)] else {
                inserted = nil
                throw Stop(status: .noKey, detail: "key \(PEDKeyID(raw)) is not in the drawer")
            }
            inserted = key.id
            return key
        default: throw stop(for: action, waitingFor: "a key")
        }
    }

    /// Waits for a PIN to be typed; returns its digits (the caller wipes them).
    private func awaitPIN(_ prompt: String) throws(Stop) -> [UInt8] {
        display.show([prompt])
        let action = next()
        guard case .pin(let digits) = action else { throw stop(for: action, waitingFor: "a PED PIN") }
        log.append("types a PED PIN")
        display.show([prompt, String(repeating: "*", count: min(digits.utf8.count, 20))])
        return Array(digits.utf8)
    }

    private func stop(for action: PEDAction, waitingFor what: String) -> Stop {
        switch action {
        case .cancel:
            log.append("presses Cancel")
            return Stop(status: .cancelled, detail: "cancelled on the PED's keypad")
        case .nothingUntilTimeout: return Stop(status: .timeout, detail: "no key activity while waiting for \(what)")
        default:
            log.append("\(action) while the PED waits for \(what)")
            return Stop(status: .timeout, detail: "no usable key activity while waiting for \(what)")
        }
    }

    private func checkColour(_ key: SimulatedPEDKey, for role: PEDRole) throws(Stop) {
        guard let colour = key.colour, !key.isBlank else {
            throw Stop(status: .blankKey, detail: "key \(key.id) is blank")
        }
        guard colour == role.colour else {
            throw Stop(status: .wrongKeyColour,
                       detail: "key \(key.id) is \(colour); the \(role) needs a \(role.colour) key")
        }
    }

    private func checkPIN(_ key: SimulatedPEDKey) throws(Stop) {
        var typed = try awaitPIN("Enter PED PIN")
        defer { SecretBytes.wipe(&typed) }
        guard key.pinMatches(typed) else {
            throw Stop(status: .wrongPIN, detail: "the PED PIN typed does not open key \(key.id)")
        }
    }

    /// A new PIN typed twice; checked against the PED PIN rule.
    private func newPIN() throws(Stop) -> SecretBytes {
        var first = try awaitPIN("New PED PIN")
        var second = try awaitPIN("Confirm PED PIN")
        defer {
            SecretBytes.wipe(&first)
            SecretBytes.wipe(&second)
        }
        if let violation = PEDPINRule.check(first) { throw Stop(status: .pinRule, detail: violation.description) }
        guard first == second else { throw Stop(status: .pinMismatch, detail: "the two new PED PINs differ") }
        return SecretBytes(first)
    }

    // MARK: Operations

    private func readSecret(role: PEDRole, policy: MofN) throws(Stop) -> PEDReply {
        var collection = MofNCollection(policy: policy, colour: role.colour)
        var shares: [(x: UInt8, y: SecretBytes)] = []
        var duplicates: UInt8 = 0
        while !collection.isComplete {
            let count = collection.keys.count
            let key: SimulatedPEDKey
            do {
                key = try awaitKey(["\(role)", "Insert \(role.colour) key", "\(count + 1) of \(policy.m)"])
            } catch where error.status == .timeout && duplicates > 0 {
                throw Stop(status: .duplicateKey,
                           detail: "only \(count) distinct key(s) of \(policy.m) presented; \(duplicates) repeat(s) did not count")
            }
            try checkColour(key, for: role)
            guard let set = key.setID, key.policy == policy else {
                throw Stop(status: .otherKeySet, detail: "key \(key.id) belongs to a \(key.policy?.description ?? "?") set, not \(policy)")
            }
            var trial = collection
            switch trial.offer(key: key.id, colour: role.colour, setID: set, shareIndex: key.shareIndex) {
            case .duplicate:
                duplicates &+= 1
                log.append("key \(key.id) already counted: ignored")
                display.show(["Key already used", "Insert another key"])
                continue
            case .otherSet:
                throw Stop(status: .otherKeySet, detail: "key \(key.id) belongs to another key set")
            case .wrongColour(let colour):
                throw Stop(status: .wrongKeyColour, detail: "key \(key.id) is \(colour)")
            case .accepted, .complete:
                try checkPIN(key)
                collection = trial
                if let secret = key.secret { shares.append((key.shareIndex, secret)) }
            }
        }
        let secret: SecretBytes
        if policy.m == 1, let only = shares.first {
            secret = only.y
        } else {
            do { secret = try Shamir.interpolate(shares) } catch {
                throw Stop(status: .otherKeySet, detail: "the keys' splits do not combine: \(error.code)")
            }
        }
        display.show(["\(role)", "\(policy.m) key(s) accepted"])
        return .readSecret(secret: secret, keys: collection.keys, duplicatesIgnored: duplicates)
    }

    private func writeSecret(role: PEDRole, policy: MofN, options: PEDWriteOptions, secret: SecretBytes) throws(Stop) -> PEDReply {
        guard options.keyCount(policy) <= PEDWriteOptions.maximumKeys else {
            throw Stop(status: .badRequest, detail: "more than \(PEDWriteOptions.maximumKeys) keys in one write")
        }
        let splits: [(x: UInt8, y: SecretBytes)]
        if policy.m == 1 {
            splits = (1...UInt8(policy.n)).map { ($0, secret) }
        } else {
            do { splits = try Shamir.split(secret, k: policy.m, n: policy.n) } catch {
                throw Stop(status: .badRequest, detail: "cannot split: \(error.code)")
            }
        }
        nextSetID += 1
        let set = PEDKeyID(nextSetID)
        var written: [PEDKeyID] = []
        var copies: [PEDKeyID] = []
        for split in splits {
            let pin = try writeKey(role: role, policy: policy, set: set, split: split, overwrite: options.overwrite,
                                   pin: nil, prompt: "key \(split.x) of \(policy.n)", into: &written)
            for copy in 0..<options.duplicates {
                _ = try writeKey(role: role, policy: policy, set: set, split: split, overwrite: options.overwrite,
                                 pin: options.duplicatesOwnPIN ? nil : pin,
                                 prompt: "copy \(copy + 1) of key \(split.x)", into: &copies)
            }
        }
        display.show(["\(role)", "\(written.count + copies.count) key(s) written"])
        return .writeSecret(keys: written + copies, set: set)
    }

    /// Writes one split to the key the person inserts; a nil `pin` asks for a new one.
    private func writeKey(role: PEDRole, policy: MofN, set: PEDKeyID, split: (x: UInt8, y: SecretBytes),
                          overwrite: Bool, pin: SecretBytes?, prompt: String,
                          into written: inout [PEDKeyID]) throws(Stop) -> SecretBytes {
        var key = try awaitKey(["\(role)", "Insert \(role.colour) key", prompt])
        if written.contains(key.id) {
            throw Stop(status: .duplicateKey, detail: "key \(key.id) was already written in this operation")
        }
        if !key.isBlank {
            guard overwrite else {
                throw Stop(status: .keyNotBlank, detail: "key \(key.id) holds a secret; allow overwriting to reuse it")
            }
            display.show(["Key holds a secret", "Overwrite? Yes/No"])
            let answer = next()
            guard answer == .yes else { throw stop(for: answer == .no ? .cancel : answer, waitingFor: "Yes to overwrite") }
            log.append("confirms overwriting key \(key.id)")
        }
        let keyPIN: SecretBytes
        if let pin { keyPIN = pin } else { keyPIN = try newPIN() }
        key.colour = role.colour
        key.secret = split.y
        key.pin = keyPIN
        key.setID = set
        key.shareIndex = split.x
        key.policy = policy
        key.hasOrange770Parts = role == .remotePEDVector
        keys[key.id] = key
        written.append(key.id)
        log.append("key \(key.id) written (\(role.colour), split \(split.x))")
        return keyPIN
    }

    private func duplicateKey(role: PEDRole) throws(Stop) -> PEDReply {
        let source = try awaitKey(["\(role)", "Insert key to copy"])
        try checkColour(source, for: role)
        try checkPIN(source)
        var copy = try awaitKey(["\(role)", "Insert blank key"])
        guard copy.id != source.id else { throw Stop(status: .duplicateKey, detail: "the copy must go to another key") }
        guard copy.isBlank else { throw Stop(status: .keyNotBlank, detail: "key \(copy.id) holds a secret") }
        copy.colour = source.colour
        copy.secret = source.secret
        copy.pin = source.pin
        copy.setID = source.setID
        copy.shareIndex = source.shareIndex
        copy.policy = source.policy
        // An old PED copies the orange key of HSM firmware 7.7.0 without its new parts.
        copy.hasOrange770Parts = source.hasOrange770Parts && FirmwareCompatibility.copiesOrangeKeyCompletely(ped: firmware)
        keys[copy.id] = copy
        log.append("key \(source.id) copied to key \(copy.id)")
        return .duplicateKey(source: source.id, copy: copy.id)
    }

    private func setPIN(role: PEDRole) throws(Stop) -> PEDReply {
        var key = try awaitKey(["\(role)", "Insert key"])
        try checkColour(key, for: role)
        try checkPIN(key)
        key.pin = try newPIN()
        keys[key.id] = key
        log.append("PED PIN of key \(key.id) changed")
        return .setPIN(key: key.id)
    }
}
