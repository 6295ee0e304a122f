import PED
import PEDProtocol
import TrustedPathCore

/// Role login and key-set work over a PED session. Keys and PINs are handled on the PED;
/// what the HSM receives of a key's secret is a `SecretBytes`.
public struct RoleAuthenticator: Sendable {
    public let driver: PEDDriver

    public init(driver: PEDDriver) { self.driver = driver }

    public struct Login: Sendable {
        public var role: PEDRole
        public var keys: [PEDKeyID]
        /// Presentations of a key (or a copy of one) already counted, which did not count.
        public var duplicatesIgnored: Int
    }

    /// Logs `role` in with M of its N keys. `verify` is the HSM's check of the secret
    /// (constant-time against what it stored when the keys were made).
    public func login(role: PEDRole, policy: MofN,
                      verify: @Sendable (SecretBytes) -> Bool) async throws(PEDAuthError) -> Login {
        let result: PEDReadResult
        do { result = try await driver.readSecret(role: role, policy: policy) } catch {
            throw PEDAuthError(error, doing: "\(role) login (\(policy))")
        }
        guard verify(result.secret) else {
            throw PEDAuthError(.wrongSecret, "\(role) login: the keys presented open another \(role.colour) key set, "
                + "not this HSM's \(role); use the keys made for it")
        }
        return Login(role: role, keys: result.keys, duplicatesIgnored: result.duplicatesIgnored)
    }

    public struct KeySet: Sendable {
        public var role: PEDRole
        public var policy: MofN
        /// The role's secret, for the HSM to keep (or its verifier).
        public var secret: SecretBytes
        public var keys: [PEDKeyID]
        public var set: PEDKeyID?
        public var warnings: [MofN.Warning]
        /// True when an existing key set's secret was adopted rather than new keys written.
        public var shared: Bool
    }

    /// A new secret for `role`, split M of N on the PED, one split per key, each key with a
    /// new PED PIN; `duplicates` extra copies of each split, with their own PINs if asked.
    public func initialize(role: PEDRole, policy: MofN, duplicates: Int = 0, duplicatesOwnPIN: Bool = false,
                           overwrite: Bool = false, secretLength: Int = 32) async throws(PEDAuthError) -> KeySet {
        guard (0...15).contains(duplicates), (1...255).contains(secretLength) else {
            throw PEDAuthError(.invalidPolicy, "duplicates are 0 to 15 per key and a secret 1 to 255 bytes")
        }
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<secretLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let secret = SecretBytes(consuming: &bytes)
        let options = PEDWriteOptions(duplicates: UInt8(duplicates), duplicatesOwnPIN: duplicatesOwnPIN, overwrite: overwrite)
        let written: PEDWriteResult
        do { written = try await driver.writeSecret(role: role, policy: policy, options: options, secret: secret) } catch {
            throw PEDAuthError(error, doing: "initialising \(role) keys (\(policy))")
        }
        return KeySet(role: role, policy: policy, secret: secret, keys: written.keys, set: written.set,
                      warnings: policy.warnings, shared: false)
    }

    /// Shares an existing key set with this HSM or partition: the keys already made for
    /// another HSM (or partition) are read, and their secret becomes this role's too. No key
    /// is written; the same keys then open both.
    public func share(role: PEDRole, policy: MofN) async throws(PEDAuthError) -> KeySet {
        let result: PEDReadResult
        do { result = try await driver.readSecret(role: role, policy: policy) } catch {
            throw PEDAuthError(error, doing: "reading the \(role) key set to share")
        }
        return KeySet(role: role, policy: policy, secret: result.secret, keys: result.keys, set: nil,
                      warnings: policy.warnings, shared: true)
    }

    /// A later copy of one key, made on the PED; the copy keeps the source key's PIN.
    public func duplicate(role: PEDRole) async throws(PEDAuthError) -> (source: PEDKeyID, copy: PEDKeyID) {
        do { return try await driver.duplicateKey(role: role) } catch {
            throw PEDAuthError(error, doing: "duplicating a \(role) key")
        }
    }

    public func changePIN(role: PEDRole) async throws(PEDAuthError) -> PEDKeyID {
        do { return try await driver.setPIN(role: role) } catch {
            throw PEDAuthError(error, doing: "changing the PED PIN of a \(role) key")
        }
    }
}
