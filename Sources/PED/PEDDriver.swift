import PEDProtocol
import Power
import TrustedPathCore
import USBLink

/// The HSM's side of a PED session over any `USBLink`: the version handshake and firmware
/// check, requests with sequence numbers and deadlines, keep-alives while the operator is at
/// the PED, and recovery when the PED stops answering (the ladder of `Sources/Power`, then
/// the handshake again, then the operation in flight once more).
public actor PEDDriver {
    /// Opens the PED's link afresh, after a recovery step re-enumerated the device.
    public typealias Reopen = @Sendable () async throws -> any USBLink

    public nonisolated let hsmFirmware: FirmwareVersion
    public nonisolated let timeouts: PEDTimeouts
    public internal(set) var link: any USBLink
    let recovery: (any DeviceRecovery)?
    let reopen: Reopen?

    /// The PED's answer to the last handshake.
    public internal(set) var identity: PEDIdentity?
    /// Every recovery run, oldest first.
    public internal(set) var recoveries: [RecoveryOutcome] = []
    /// Replies dropped because they answered another (earlier) request: late or repeated.
    public internal(set) var staleReplies = 0
    /// Things the user should know that are not errors (an externally powered PED, ...).
    public internal(set) var notices: [String] = []

    /// A request is in flight (its own keep-alives watch the PED meanwhile).
    var operating = false
    var assembler = PEDFrameAssembler()
    var pending: [PEDFrame] = []
    private var sequence: UInt8 = 0

    public init(link: any USBLink, hsmFirmware: FirmwareVersion, recovery: (any DeviceRecovery)? = nil,
                reopen: Reopen? = nil, timeouts: PEDTimeouts = .standard) {
        self.link = link
        self.hsmFirmware = hsmFirmware
        self.recovery = recovery
        self.reopen = reopen
        self.timeouts = timeouts
    }

    // MARK: Operations

    /// The version handshake; refuses a PED whose firmware does not fit the HSM's
    /// (LUNA_RET_PED_UNSUPPORTED_PROTOCOL).
    @discardableResult
    public func connect() async throws(PEDError) -> PEDIdentity {
        let reply = try await transact(.hello(hsmFirmware: hsmFirmware), timeout: timeouts.shortReply)
        return try accept(reply)
    }

    public func keepAlive() async throws(PEDError) {
        _ = try await transact(.keepAlive, timeout: timeouts.keepAliveReply)
    }

    /// Keeps an idle session watched: a keep-alive every `keepAliveInterval` while no
    /// operation is in flight, until the task is cancelled. A missed one runs the recovery
    /// ladder; a PED that cannot be recovered ends the loop with the replug error.
    public func watch() async throws(PEDError) {
        while !Task.isCancelled {
            if !operating { try await keepAlive() }
            do { try await Task.sleep(for: timeouts.keepAliveInterval) } catch { return }
        }
    }

    public func showPrompt(_ lines: [String]) async throws(PEDError) {
        try await ensureConnected()
        _ = try await transact(.showPrompt(lines), timeout: timeouts.shortReply)
    }

    /// M keys of the role's colour, each with its PED PIN typed on the PED.
    public func readSecret(role: PEDRole, policy: MofN) async throws(PEDError) -> PEDReadResult {
        try await ensureConnected()
        let reply = try await transact(.readSecret(role: role, policy: policy, keyTimeout: keyTimeout),
                                       timeout: timeouts.operation(steps: policy.m))
        guard case let .readSecret(secret, keys, duplicates) = reply else { throw unexpected(reply) }
        return PEDReadResult(secret: secret, keys: keys, duplicatesIgnored: Int(duplicates))
    }

    public func writeSecret(role: PEDRole, policy: MofN, options: PEDWriteOptions,
                            secret: SecretBytes) async throws(PEDError) -> PEDWriteResult {
        guard (1...255).contains(secret.count) else {
            throw PEDError(.invalidRequest, "a PED key's secret is 1 to 255 bytes, not \(secret.count)")
        }
        let steps = options.keyCount(policy)
        guard steps <= PEDWriteOptions.maximumKeys else {
            throw PEDError(.invalidRequest, "one write touches at most \(PEDWriteOptions.maximumKeys) keys; "
                + "\(policy) with \(options.duplicates) copies each is \(steps)")
        }
        try await ensureConnected()
        let reply = try await transact(.writeSecret(role: role, policy: policy, options: options,
                                                    keyTimeout: keyTimeout, secret: secret),
                                       timeout: timeouts.operation(steps: steps))
        guard case let .writeSecret(keys, set) = reply else { throw unexpected(reply) }
        return PEDWriteResult(keys: keys, set: set)
    }

    /// A later copy of a key, made on the PED; it keeps the source key's PIN.
    public func duplicateKey(role: PEDRole) async throws(PEDError) -> (source: PEDKeyID, copy: PEDKeyID) {
        let identity = try await ensureConnected()
        // The key may carry HSM 7.7.0's orange format whatever this HSM runs: refuse the copy
        // rather than make one that silently lacks parts.
        if role == .remotePEDVector, !FirmwareCompatibility.copiesOrangeKeyCompletely(ped: identity.firmware) {
            throw PEDError(.invalidRequest, "PED firmware \(identity.firmware) copies an orange key of HSM firmware "
                + "\(FirmwareCompatibility.orangeFormatHSM) without its new parts; use a PED with firmware "
                + "\(FirmwareCompatibility.orangeFormatPED) or newer")
        }
        let reply = try await transact(.duplicateKey(role: role, keyTimeout: keyTimeout), timeout: timeouts.operation(steps: 2))
        guard case let .duplicateKey(source, copy) = reply else { throw unexpected(reply) }
        return (source, copy)
    }

    public func setPIN(role: PEDRole) async throws(PEDError) -> PEDKeyID {
        try await ensureConnected()
        let reply = try await transact(.setPIN(role: role, keyTimeout: keyTimeout), timeout: timeouts.operation(steps: 1))
        guard case let .setPIN(key) = reply else { throw unexpected(reply) }
        return key
    }

    /// Asks the PED to end the operation in flight, which then fails with PED_CANCELLED.
    /// The cancel's own reply is not awaited (whoever reads next drops it as stale).
    public func cancel() async throws(PEDError) {
        do { try await send(PEDRequest.cancel.frame(sequence: nextSequence()).encoded()) } catch {
            throw PEDError(.link, "cannot send cancel: \(error)")
        }
    }

    public func close() async { await link.close() }

    // MARK: Helpers

    var keyTimeout: UInt16 { UInt16(timeouts.keyActivitySeconds) }

    @discardableResult
    func ensureConnected() async throws(PEDError) -> PEDIdentity {
        if let identity { return identity }
        return try await connect()
    }

    func accept(_ reply: PEDReply) throws(PEDError) -> PEDIdentity {
        guard case .hello(let id) = reply else { throw unexpected(reply) }
        if case .unsupported(let why) = FirmwareCompatibility.decide(hsm: hsmFirmware, ped: id.firmware) {
            identity = nil
            throw PEDError(.unsupportedProtocol, why)
        }
        identity = id
        if id.power == .external, !notices.contains(where: { $0.hasPrefix("externally powered") }) {
            notices.append("externally powered PED (firmware \(id.firmware)): switching its USB port's power "
                + "does not restart it; if it hangs, unplug its power supply")
        }
        return id
    }

    func unexpected(_ reply: PEDReply) -> PEDError {
        PEDError(.badReply, "a \(reply.type) reply where another was expected")
    }

    func nextSequence() -> UInt8 {
        sequence = sequence == 255 ? 1 : sequence + 1
        return sequence
    }
}

public struct PEDReadResult: Sendable {
    /// What the HSM receives of the role's secret.
    public var secret: SecretBytes
    public var keys: [PEDKeyID]
    public var duplicatesIgnored: Int
}

public struct PEDWriteResult: Sendable {
    public var keys: [PEDKeyID]
    public var set: PEDKeyID
}
