import APDU
import CCID
import USBLink

/// The reader session's failures in the card seam's terms: the one place where a CCID slot's
/// errors (and the T=1/T=0 engines' that run over it) become `CardChannelError`s, so that the
/// card layers can tell a pulled card from an unplugged reader without reading our text.
extension CCIDReaderError {
    public var channelError: CardChannelError {
        let cause: CardChannelError.Cause
        switch code {
        case .cardAbsent: cause = .cardRemoved
        case .cardMute: cause = .cardMute
        case .timeout, .pinTimeout: cause = .timeout
        case .slotBusy: cause = .busy
        case .readerFault, .link: cause = .readerGone
        case .unsupported, .invalidParameter: cause = .unsupported
        case .protocolError, .commandFailed, .pinCancelled: cause = .protocolError
        }
        return CardChannelError(cause, description)
    }

    /// Whatever a channel built on this reader threw, as the seam's error. The T=1 and T=0
    /// engines pass a transport's `CCIDReaderError` through unchanged, so its cause survives
    /// them; their own failures are protocol failures, or a card that stopped answering.
    static func channelError(_ error: any Error) -> CardChannelError {
        switch error {
        case let error as CardChannelError: return error
        case let error as CCIDReaderError: return error.channelError
        case let error as T1Error:
            switch error.code {
            case .timeout, .cardNotResponding: return CardChannelError(.cardMute, error.description)
            case .busy: return CardChannelError(.busy, error.description)
            default: return CardChannelError(.protocolError, error.description)
            }
        case let error as T0Error:
            let cause: CardChannelError.Cause = error.code == .extendedLengthNotSupported ? .unsupported : .protocolError
            return CardChannelError(cause, error.description)
        case let error as APDUError: return CardChannelError(error)
        default: return CardChannelError(.protocolError, "\(error)")
        }
    }
}
