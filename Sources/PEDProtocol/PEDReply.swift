import TrustedPathCore

/// Where the PED takes its power from: a bus-powered PED restarts when its USB port's power
/// is cycled, an externally powered one does not.
public enum PEDPowerSource: UInt8, Sendable, Hashable {
    case usbBus = 0
    case external = 1
}

/// What the PED said in the version handshake.
public struct PEDIdentity: Sendable, Hashable {
    public var firmware: FirmwareVersion
    public var power: PEDPowerSource
    public var serial: String

    public init(firmware: FirmwareVersion, power: PEDPowerSource, serial: String) {
        self.firmware = firmware
        self.power = power
        self.serial = serial
    }
}

/// What the PED answers. A failed request is `.failure` whatever the request was.
public enum PEDReply: Sendable {
    case hello(PEDIdentity)
    case keepAlive
    case showPrompt
    /// The recombined secret, the keys that counted, and how many duplicates were ignored.
    case readSecret(secret: SecretBytes, keys: [PEDKeyID], duplicatesIgnored: UInt8)
    /// Every key written (splits and their duplicates) and the key set's identifier.
    case writeSecret(keys: [PEDKeyID], set: PEDKeyID)
    case duplicateKey(source: PEDKeyID, copy: PEDKeyID)
    case setPIN(key: PEDKeyID)
    case cancel
    case failure(PEDMessageType, PEDStatus, String)

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
        case .failure(let type, _, _): type
        }
    }

    /// Where, in a readSecret reply frame, the secret lies (after status and its length).
    public static let readSecretOffset = PEDFrame.headerLength + 2

    public func payload() -> [UInt8] {
        var out: [UInt8] = [PEDStatus.ok.rawValue]
        switch self {
        case .hello(let id):
            out += id.firmware.bytes + [id.power.rawValue, PEDFrame.protocolVersion]
            out += PEDCoding.encodeString(id.serial)
        case .keepAlive, .showPrompt, .cancel: break
        case let .readSecret(secret, keys, duplicates):
            secret.withBytes { bytes in
                out.append(UInt8(bytes.count))
                out += bytes
            }
            out += PEDCoding.encodeKeys(keys)
            out.append(duplicates)
        case let .writeSecret(keys, set):
            out += PEDCoding.encodeKeys(keys) + set.bytes
        case let .duplicateKey(source, copy): out += source.bytes + copy.bytes
        case let .setPIN(key): out += key.bytes
        case let .failure(_, status, detail):
            out = [status.rawValue] + PEDCoding.encodeString(detail)
        }
        return out
    }

    public func frame(sequence: UInt8) -> PEDFrame {
        PEDFrame(sequence: sequence, type: type.replyType, payload: payload())
    }

    public init(frame: PEDFrame) throws(PEDProtocolError) {
        // Reserved flags must be 0: a later protocol may give them a meaning we would miss.
        guard frame.flags == 0 else { throw PEDProtocolError(.badValue, field: "flags", offset: 5, "reserved flags set") }
        guard frame.isReply, let type = PEDMessageType(rawValue: frame.type & 0x7F) else {
            throw PEDProtocolError(.unknownType, field: "type", offset: 4, "0x\(Hex.encode([frame.type]))")
        }
        var reader = ByteReader(frame.payload)
        do {
            let code = try reader.u8("status")
            guard let status = PEDStatus(rawValue: code) else {
                throw PEDProtocolError(.badValue, field: "status", offset: 0, "status 0x\(Hex.encode([code]))")
            }
            if status != .ok {
                self = .failure(type, status, try PEDCoding.decodeString(&reader, "detail"))
            } else {
                switch type {
                case .hello:
                    let firmware = try PEDCoding.firmware(&reader)
                    let powerByte = try reader.u8("power")
                    guard let power = PEDPowerSource(rawValue: powerByte) else {
                        throw PEDProtocolError(.badValue, field: "power", offset: reader.offset - 1, "\(powerByte)")
                    }
                    let version = try reader.u8("protocol")
                    guard version == PEDFrame.protocolVersion else {
                        throw PEDProtocolError(.unsupportedVersion, field: "protocol", offset: reader.offset - 1,
                                               "version \(version)")
                    }
                    self = .hello(PEDIdentity(firmware: firmware, power: power,
                                              serial: try PEDCoding.decodeString(&reader, "serial")))
                case .keepAlive: self = .keepAlive
                case .showPrompt: self = .showPrompt
                case .cancel: self = .cancel
                case .readSecret:
                    let count = Int(try reader.u8("secretLength"))
                    guard count > 0 else { throw PEDProtocolError(.badValue, field: "secretLength", offset: 1, "empty") }
                    var secret = try reader.bytes(count, "secret")
                    let wrapped = SecretBytes(consuming: &secret)
                    let keys = try PEDCoding.decodeKeys(&reader)
                    self = .readSecret(secret: wrapped, keys: keys, duplicatesIgnored: try reader.u8("duplicatesIgnored"))
                case .writeSecret:
                    let keys = try PEDCoding.decodeKeys(&reader)
                    self = .writeSecret(keys: keys, set: try PEDCoding.key(&reader, "set"))
                case .duplicateKey:
                    let source = try PEDCoding.key(&reader, "source")
                    self = .duplicateKey(source: source, copy: try PEDCoding.key(&reader, "copy"))
                case .setPIN:
                    self = .setPIN(key: try PEDCoding.key(&reader, "key"))
                }
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
