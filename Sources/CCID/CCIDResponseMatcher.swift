/// Classifies a bulk-IN frame against the command the session sent, so the session layer's
/// loop is a switch on the answer: read again, wait again, retry, fail, or done.
public enum CCIDResponseMatcher {
    public enum Disposition: Hashable, Sendable {
        /// bSeq (or bSlot) is not the one expected: an answer to an earlier, abandoned command.
        /// Drop it and read again.
        case stale(received: UInt8)
        /// The card needs more time: wait again, `multiplier` times the usual wait (bError;
        /// 0 is read as 1 by callers that multiply).
        case timeExtension(multiplier: UInt8)
        /// CMD_SLOT_BUSY: the slot is busy with another command; send again later.
        case slotBusy
        /// The reader reports failure with this bError.
        case failed(CCIDSlotError, CCIDSlotStatus)
        /// A completed answer.
        case ok(CCIDMessage)
    }

    /// Malformed frames throw; the caller decides whether that ends the session.
    public static func classify(expectedSequence: UInt8, expectedSlot: UInt8? = nil,
                                frame: [UInt8]) throws(CCIDError) -> Disposition {
        let message = try CCIDMessage(parsing: frame)
        if message.sequence != expectedSequence { return .stale(received: message.sequence) }
        if let expectedSlot, message.slot != expectedSlot { return .stale(received: message.sequence) }
        guard let (status, error) = message.payload.statusAndError else {
            throw CCIDError(.invalidValue, field: "bMessageType", offset: 0,
                            "\(message.name) is a command, not a reader's answer")
        }
        switch status.command {
        case .timeExtensionRequested: return .timeExtension(multiplier: error.rawValue)
        case .failed where error == .cmdSlotBusy: return .slotBusy
        case .failed, .reserved: return .failed(error, status)
        case .processed: return .ok(message)
        }
    }
}
