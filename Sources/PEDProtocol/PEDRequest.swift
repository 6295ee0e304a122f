import TrustedPathCore

/// How a write treats the keys it writes.
public struct PEDWriteOptions: Sendable, Hashable {
    /// Extra copies of each split made at creation (0 = none).
    public var duplicates: UInt8
    /// Each duplicate made at creation gets a PIN of its own (else the split's PIN).
    public var duplicatesOwnPIN: Bool
    /// Keys that already hold a secret may be overwritten (the PED asks the operator too).
    public var overwrite: Bool

    public init(duplicates: UInt8 = 0, duplicatesOwnPIN: Bool = false, overwrite: Bool = false) {
        self.duplicates = duplicates
        self.duplicatesOwnPIN = duplicatesOwnPIN
        self.overwrite = overwrite
    }

    var flags: UInt8 { (duplicatesOwnPIN ? 1 : 0) | (overwrite ? 2 : 0) }
    static let knownFlags: UInt8 = 0x03

    /// The most keys one write may touch, splits and copies together.
    public static let maximumKeys = PEDCoding.maximumKeys

    /// How many keys a write with these options touches for `policy`.
    public func keyCount(_ policy: MofN) -> Int { policy.n * (1 + Int(duplicates)) }
}

/// What the HSM asks of the PED (docs/ped-protocol.md has every field).
public enum PEDRequest: Sendable {
    /// Version handshake: our protocol version and the HSM's firmware.
    case hello(hsmFirmware: FirmwareVersion)
    case keepAlive
    /// Lines for the PED's display.
    case showPrompt([String])
    /// Collect M of N keys of the role's colour (PIN typed on the PED for each) and return
    /// the recombined secret. `keyTimeout` is the key-activity timeout in seconds.
    case readSecret(role: PEDRole, policy: MofN, keyTimeout: UInt16)
    /// Split `secret` M of N on the PED and write one split per key (plus duplicates),
    /// each with a new PED PIN typed on the PED.
    case writeSecret(role: PEDRole, policy: MofN, options: PEDWriteOptions, keyTimeout: UInt16, secret: SecretBytes)
    /// Copy an inserted key to a blank one on the PED; the copy keeps the PIN.
    case duplicateKey(role: PEDRole, keyTimeout: UInt16)
    /// Change the PED PIN of an inserted key (old PIN, then the new one twice, on the PED).
    case setPIN(role: PEDRole, keyTimeout: UInt16)
    /// Ends the operation in flight with PED_CANCELLED.
    case cancel

    public var type: PEDMessageType {
        switch self {
        case .hello: .hello
        case .keepAlive: .keepAlive
        case .showPrompt: .showPrompt
        case .readSecret: .readSecret
        case .writeSecret: .writeSecret
        case .duplicateKey: .duplicateKey
        case .setPIN: .setPIN
        case .cancel: .cancel
        }
    }

    public func payload() -> [UInt8] {
        switch self {
        case .hello(let fw): return [PEDFrame.protocolVersion] + fw.bytes
        case .keepAlive, .cancel: return []
        case .showPrompt(let lines): return PEDCoding.encodeLines(lines)
        case let .readSecret(role, policy, timeout):
            var out = [role.rawValue, UInt8(policy.m), UInt8(policy.n)]
            out.appendLE16(timeout)
            return out
        case let .writeSecret(role, policy, options, timeout, secret):
            var out = [role.rawValue, UInt8(policy.m), UInt8(policy.n), options.duplicates, options.flags]
            out.appendLE16(timeout)
            secret.withBytes { bytes in
                out.append(UInt8(bytes.count))
                out += bytes
            }
            return out
        case let .duplicateKey(role, timeout), let .setPIN(role, timeout):
            var out = [role.rawValue]
            out.appendLE16(timeout)
            return out
        }
    }

    public func frame(sequence: UInt8) -> PEDFrame {
        PEDFrame(sequence: sequence, type: type.rawValue, payload: payload())
    }

    /// Where, in a writeSecret frame, the secret lies (for redaction): offset and length
    /// from the frame's first byte.
    public static let writeSecretOffset = PEDFrame.headerLength + 8

    public init(frame: PEDFrame) throws(PEDProtocolError) {
        // Reserved flags must be 0: a later protocol may give them a meaning we would miss.
        guard frame.flags == 0 else { throw PEDProtocolError(.badValue, field: "flags", offset: 5, "reserved flags set") }
        guard let type = PEDMessageType(rawValue: frame.type), !frame.isReply else {
            throw PEDProtocolError(.unknownType, field: "type", offset: 4, "0x\(Hex.encode([frame.type]))")
        }
        var reader = ByteReader(frame.payload)
        do {
            switch type {
            case .hello:
                let version = try reader.u8("protocol")
                guard version == PEDFrame.protocolVersion else {
                    throw PEDProtocolError(.unsupportedVersion, field: "protocol", offset: 0, "version \(version)")
                }
                self = .hello(hsmFirmware: try PEDCoding.firmware(&reader))
            case .keepAlive: self = .keepAlive
            case .cancel: self = .cancel
            case .showPrompt: self = .showPrompt(try PEDCoding.decodeLines(&reader))
            case .readSecret:
                let role = try PEDCoding.role(&reader)
                let policy = try PEDCoding.policy(&reader)
                self = .readSecret(role: role, policy: policy, keyTimeout: try reader.u16le("keyTimeout"))
            case .writeSecret:
                let role = try PEDCoding.role(&reader)
                let policy = try PEDCoding.policy(&reader)
                let duplicates = try reader.u8("duplicates")
                let flags = try reader.u8("flags")
                guard flags & ~PEDWriteOptions.knownFlags == 0 else {
                    throw PEDProtocolError(.badValue, field: "flags", offset: 4, "unknown flag bits")
                }
                let timeout = try reader.u16le("keyTimeout")
                let count = Int(try reader.u8("secretLength"))
                guard count > 0 else { throw PEDProtocolError(.badValue, field: "secretLength", offset: 7, "empty secret") }
                var secret = try reader.bytes(count, "secret")
                self = .writeSecret(role: role, policy: policy,
                                    options: PEDWriteOptions(duplicates: duplicates, duplicatesOwnPIN: flags & 1 != 0,
                                                             overwrite: flags & 2 != 0),
                                    keyTimeout: timeout, secret: SecretBytes(consuming: &secret))
            case .duplicateKey:
                self = .duplicateKey(role: try PEDCoding.role(&reader), keyTimeout: try reader.u16le("keyTimeout"))
            case .setPIN:
                self = .setPIN(role: try PEDCoding.role(&reader), keyTimeout: try reader.u16le("keyTimeout"))
            }
        } catch let error as PEDProtocolError {
            throw error
        } catch let error as ByteReaderError {
            throw PEDProtocolError(error)
        } catch {
            throw PEDProtocolError(.badValue, field: "payload", offset: 0)
        }
        guard reader.isAtEnd else {
            throw PEDProtocolError(.trailingBytes, field: "payload", offset: reader.offset)
        }
    }
}

/// The message types; a reply's type is its request's with bit 7 set.
public enum PEDMessageType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case hello = 0x01
    case keepAlive = 0x02
    case showPrompt = 0x03
    case readSecret = 0x04
    case writeSecret = 0x05
    case duplicateKey = 0x06
    case setPIN = 0x07
    case cancel = 0x08

    public var replyType: UInt8 { rawValue | 0x80 }

    public var description: String {
        switch self {
        case .hello: "hello"
        case .keepAlive: "keep-alive"
        case .showPrompt: "show-prompt"
        case .readSecret: "read-secret"
        case .writeSecret: "write-secret"
        case .duplicateKey: "duplicate-key"
        case .setPIN: "set-PIN"
        case .cancel: "cancel"
        }
    }
}
