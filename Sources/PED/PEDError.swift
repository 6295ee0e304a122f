import PEDProtocol
import Power
import USBLink

/// Every failure of the PED driver. The message says what happened and what the user can
/// do; it never holds a secret or a PIN.
public struct PEDError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// LUNA_RET_PED_UNSUPPORTED_PROTOCOL: the PED's firmware or protocol is refused.
        case unsupportedProtocol = "LUNA_RET_PED_UNSUPPORTED_PROTOCOL"
        case wrongPIN = "PED_WRONG_PIN"
        case wrongKeyColour = "PED_WRONG_KEY_COLOUR"
        case duplicateKey = "PED_DUPLICATE_KEY"
        case otherKeySet = "PED_OTHER_KEY_SET"
        case timeout = "PED_TIMEOUT"
        case cancelled = "PED_CANCELLED"
        case noKey = "PED_NO_KEY"
        case blankKey = "PED_BLANK_KEY"
        case keyNotBlank = "PED_KEY_NOT_BLANK"
        case pinRule = "PED_PIN_RULE"
        case pinMismatch = "PED_PIN_MISMATCH"
        case busy = "PED_BUSY"
        case badRequest = "PED_BAD_REQUEST"
        /// The PED answered something that is not a valid reply.
        case badReply = "bad reply"
        /// The PED stopped answering and recovery did not bring it back: replug it.
        case notAnswering = "not answering"
        /// The USB link failed in a way recovery does not address (permissions, busy).
        case link
        /// The request itself is not allowed (timeout out of range, incomplete orange copy).
        case invalidRequest = "invalid request"
    }

    public var code: Code
    public var context: String
    /// The recovery that was tried before this error, if any.
    public var recovery: RecoveryOutcome?

    public init(_ code: Code, _ context: String, recovery: RecoveryOutcome? = nil) {
        self.code = code
        self.context = context
        self.recovery = recovery
    }

    init(status: PEDStatus, detail: String) {
        let code: Code = switch status {
        case .ok, .badRequest: .badRequest
        case .wrongPIN: .wrongPIN
        case .wrongKeyColour: .wrongKeyColour
        case .duplicateKey: .duplicateKey
        case .timeout: .timeout
        case .cancelled: .cancelled
        case .noKey: .noKey
        case .unsupportedProtocol: .unsupportedProtocol
        case .blankKey: .blankKey
        case .pinRule: .pinRule
        case .pinMismatch: .pinMismatch
        case .busy: .busy
        case .otherKeySet: .otherKeySet
        case .keyNotBlank: .keyNotBlank
        }
        self.init(code, detail)
    }

    /// What the user can do about it.
    public var advice: String {
        switch code {
        case .unsupportedProtocol: "update the PED's firmware (see docs/ped-firmware.md)"
        case .wrongPIN: "type the PED PIN of that key on the PED"
        case .wrongKeyColour: "insert a key of the colour the PED asks for"
        case .duplicateKey: "present M different keys; a key, or a copy of it, counts once"
        case .otherKeySet: "use keys of the key set made for this role"
        case .timeout: "start again and answer the PED within its key-activity timeout"
        case .cancelled: "start again if that was not meant"
        case .noKey: "insert a PED key when the PED asks"
        case .blankKey: "that key holds no secret: use a key initialised for this role"
        case .keyNotBlank: "use a blank key, or allow overwriting"
        case .pinRule: "a PED PIN has 4 to 48 digits"
        case .pinMismatch: "type the same new PED PIN twice"
        case .busy: "wait for the operation in progress, or cancel it"
        case .badRequest, .badReply: "check that the PED's firmware is supported; replug it if this repeats"
        case .notAnswering: "unplug the PED and plug it in again"
        case .link: "see the USB error above"
        case .invalidRequest: "change the request as described"
        }
    }

    public var description: String {
        var text = "\(code.rawValue): \(context)"
        if let recovery, !recovery.attempts.isEmpty {
            text += " [recovery: " + recovery.attempts.map(\.description).joined(separator: "; ") + "]"
        }
        // The replug messages already say what to do, in more detail than the advice.
        return code == .notAnswering && context.contains("plug") ? text : text + "; " + advice
    }
}
