import APDU

/// PC/SC's failures in the card seam's terms, so a card pulled from a reader that pcscd holds
/// reads the same to the card layers as one pulled from a reader on our own USB link.
extension PCSCError {
    public var channelError: CardChannelError {
        let cause: CardChannelError.Cause
        switch code {
        case .removedCard, .noSmartcard: cause = .cardRemoved
        case .unresponsiveCard, .unpoweredCard: cause = .cardMute
        case .unknownReader, .readerUnavailable, .noService, .serviceStopped, .noReadersAvailable: cause = .readerGone
        case .timeout: cause = .timeout
        case .sharingViolation, .resetCard, .serverTooBusy: cause = .busy
        case .unsupportedFeature, .protocolMismatch: cause = .unsupported
        default: cause = .protocolError
        }
        return CardChannelError(cause, "\(code.advice) [\(operation): \(code.name)]")
    }
}
