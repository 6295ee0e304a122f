import APDU
import CCID
import PCSC

/// The PIN pad of a reader that pcscd holds, through PC/SC part 10: FEATURE_VERIFY_PIN_DIRECT
/// and FEATURE_MODIFY_PIN_DIRECT with the same structures (pcscd's driver turns them into
/// PC_to_RDR_Secure). Free-text prompts have no standard PC/SC path, so they go to the host.
public struct PCSCPINPadTransport: PINPadTransport {
    public let card: PCSCCard
    public let features: PCSCFeatureList
    public let label: String

    /// Asks the reader for its part 10 features.
    public init(card: PCSCCard) async throws(PINPadError) {
        self.card = card
        do { features = try await card.features() } catch {
            let pad = PINPadError.from(error.channelError)
            throw pad.code == .card ? PINPadError(.protocolError, "asking the reader for its PIN-pad features: \(error)") : pad
        }
        label = "PC/SC reader \"\(card.reader)\" (no FEATURE_VERIFY_PIN_DIRECT)"
    }

    public var supportsPINVerify: Bool { features.controlCode(.verifyPINDirect) != nil }
    public var supportsPINModify: Bool { features.controlCode(.modifyPINDirect) != nil }
    public var hasDisplay: Bool { false }

    public func connectCard() async throws(PINPadError) -> any CardChannel { card }

    public func secure(_ operation: CCIDPINOperation, timeoutSeconds: Int, entries: Int,
                       options: PINPadOptions) async throws(PINPadError) -> [UInt8] {
        let answer: ResponseAPDU
        do {
            switch operation {
            case .verify(let verify):
                answer = try await card.verifyPIN(Self.structure(verify, timeoutSeconds: timeoutSeconds), features: features)
            case .modify(let modify):
                answer = try await card.modifyPIN(Self.structure(modify, timeoutSeconds: timeoutSeconds), features: features)
            case .other:
                throw PINPadError(.unsupported, "only PIN verify and modify go through PC/SC part 10")
            }
        } catch let error as PINPadError {
            throw error
        } catch let error as PCSCError {
            let pad = PINPadError.from(error.channelError)
            throw pad.code == .card ? PINPadError(.protocolError, error.description) : pad
        } catch {
            throw PINPadError(.protocolError, "\(error)")
        }
        return answer.data + [answer.statusWord.sw1, answer.statusWord.sw2]
    }

    /// The part 10 PIN_VERIFY_STRUCTURE for a CCID PIN verify: the same fields, which the
    /// reader's driver (libccid) turns back into the very PC_to_RDR_Secure the direct USB path
    /// sends.
    public static func structure(_ verify: CCIDPINVerify, timeoutSeconds: Int) -> PINVerifyStructure {
        var structure = PINVerifyStructure(formatString: verify.bmFormatString, pinBlockString: verify.bmPINBlockString,
                                           pinLengthFormat: verify.bmPINLengthFormat,
                                           minPINLength: UInt8(verify.minimumPINSize), maxPINLength: UInt8(verify.maximumPINSize),
                                           apdu: verify.apdu)
        structure.timeout = UInt8(clamping: timeoutSeconds)
        structure.entryValidation = verify.bEntryValidationCondition
        structure.numberOfMessages = verify.bNumberMessage
        structure.language = verify.wLangId
        structure.messageIndex = verify.bMsgIndex
        return structure
    }

    /// The part 10 PIN_MODIFY_STRUCTURE for a CCID PIN modify (see the verify one).
    public static func structure(_ modify: CCIDPINModify, timeoutSeconds: Int) -> PINModifyStructure {
        var structure = PINModifyStructure(formatString: modify.bmFormatString, pinBlockString: modify.bmPINBlockString,
                                           pinLengthFormat: modify.bmPINLengthFormat,
                                           insertionOffsetOld: modify.bInsertionOffsetOld,
                                           insertionOffsetNew: modify.bInsertionOffsetNew,
                                           minPINLength: UInt8(modify.minimumPINSize), maxPINLength: UInt8(modify.maximumPINSize),
                                           apdu: modify.apdu)
        structure.timeout = UInt8(clamping: timeoutSeconds)
        structure.confirmPIN = modify.bConfirmPIN
        structure.entryValidation = modify.bEntryValidationCondition
        structure.numberOfMessages = modify.bNumberMessage
        structure.language = modify.wLangId
        let indexes = modify.bMsgIndex + [0, 0, 0]
        structure.messageIndexes = (indexes[0], indexes[1], indexes[2])
        return structure
    }

    public func escape(_ data: [UInt8], timeoutSeconds: Int) async throws(PINPadError) -> [UInt8] {
        throw PINPadError(.unsupported, "prompts cannot be shown through PC/SC")
    }
}
