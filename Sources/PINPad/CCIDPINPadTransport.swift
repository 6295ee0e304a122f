import APDU
import CCID
import CCIDReader

/// The PIN pad of a CCID reader driven directly over USB: PC_to_RDR_Secure for PIN entry,
/// PC_to_RDR_Escape for the display.
public struct CCIDPINPadTransport: PINPadTransport {
    public let reader: CCIDReader
    public let slot: UInt8

    /// - Throws: `.unsupported` at the character level, which no card command is driven at
    ///   (`CCIDReader.connect` refuses it too). TPDU readers work: with a T=1 card the PIN
    ///   block travels in our T=1 session (bTeoPrologue), with T=0 the reader frames it.
    public init(reader: CCIDReader, slot: UInt8 = 0) throws(PINPadError) {
        switch reader.descriptor.exchangeLevel {
        case .tpdu, .shortAPDU, .extendedAPDU: break
        default:
            throw PINPadError(.unsupported, "card commands need a TPDU or APDU-level reader; "
                + "this one exchanges at the \(reader.descriptor.exchangeLevel.name) level")
        }
        self.reader = reader
        self.slot = slot
    }

    public var supportsPINVerify: Bool { reader.descriptor.supportsPINVerify }
    public var supportsPINModify: Bool { reader.descriptor.supportsPINModify }
    public var hasDisplay: Bool { reader.descriptor.lcdLayout != nil }
    public var label: String { "bPINSupport 0x\(String(reader.descriptor.bPINSupport, radix: 16))" }

    public func connectCard() async throws(PINPadError) -> any CardChannel {
        do { return try await reader.connect(slot: slot).channel } catch { throw Self.map(error) }
    }

    public func secure(_ operation: CCIDPINOperation, timeoutSeconds: Int, entries: Int,
                       options: PINPadOptions) async throws(PINPadError) -> [UInt8] {
        do {
            return try await reader.secure(slot: slot, operation: operation, timeout: .seconds(timeoutSeconds * entries))
        } catch {
            switch error.code {
            case .pinTimeout: throw PINPadError(.timeout, timeoutSeconds: timeoutSeconds, reader: error)
            case .pinCancelled: throw PINPadError(.cancelled, reader: error)
            default:
                if case .modify = operation, error.slotError?.rawValue == options.confirmationMismatchError {
                    throw PINPadError(.confirmationMismatch, reader: error)
                }
                throw Self.map(error)
            }
        }
    }

    /// A reader failure outside PIN entry: a pulled card and a reader gone keep their own codes.
    static func map(_ error: CCIDReaderError) -> PINPadError {
        let pad = PINPadError.from(error.channelError)
        guard pad.code == .card else { return PINPadError(pad.code, reader: error, pad.context) }
        return PINPadError(.reader, reader: error)
    }

    public func escape(_ data: [UInt8], timeoutSeconds: Int) async throws(PINPadError) -> [UInt8] {
        let message: CCIDMessage
        do {
            message = try await reader.transact(.escape(data: data), slot: slot,
                                                readTimeout: .seconds(timeoutSeconds) + reader.options.readMargin)
        } catch where error.slotError == .commandNotSupported {
            throw PINPadError(.unsupported, reader: error,
                              "the reader does not take TrustedPath's display escape; it needs its vendor's escape mapped (docs/pinpad-escape.md)")
        } catch {
            throw Self.map(error)
        }
        guard case .escapeResponse(_, _, let answer) = message.payload else {
            throw PINPadError(.unsupported, "the reader's escape answer is not TrustedPath's; it needs its vendor's escape mapped (docs/pinpad-escape.md)")
        }
        return answer
    }
}
