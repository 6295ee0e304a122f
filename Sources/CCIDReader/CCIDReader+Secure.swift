import CCID

extension CCIDReader {
    /// What `connect` settled on a slot, as far as PIN entry needs to know.
    enum SlotProtocol {
        /// No card session (never connected, or reset since).
        case unknown
        /// The reader exchanges APDUs: it frames the PIN APDU itself, whatever the protocol.
        case apduLevel
        /// TPDU level, T=0: the reader sends the APDU and handles the procedure bytes.
        case t0
        /// TPDU level, T=1: our engine owns the sequence numbers the reader's block must use.
        case t1(T1Protocol)
    }

    /// PC_to_RDR_Secure: PIN verification or modification on the reader's keypad. Returns
    /// the card's response APDU. `timeout` is how long the person may take; the reader's
    /// time extensions while they type are honoured beyond it.
    ///
    /// At the TPDU level with a T=1 card the reader sends an I-block of our T=1 session:
    /// bTeoPrologue gets its NAD, PCB (our N(S)) and LEN, the reader returns the card's block,
    /// and our T=1 engine takes it from there (CCID 1.1 §6.1.11; libccid's SecurePINVerify
    /// fills the prologue the same way but then strips the block blindly, with no recovery).
    public func secure(slot: UInt8 = 0, operation: CCIDPINOperation,
                       timeout: Duration) async throws(CCIDReaderError) -> [UInt8] {
        guard descriptor.exchangeLevel == .tpdu else {
            return try await secureMessage(slot: slot, operation: operation, timeout: timeout)
        }
        guard Int(slot) < slotProtocols.count else {
            throw CCIDReaderError(.invalidParameter, "slot \(slot) of a \(descriptor.slotCount)-slot reader")
        }
        switch slotProtocols[Int(slot)] {
        case .unknown:
            throw CCIDReaderError(.invalidParameter, "PIN entry on slot \(slot) of a TPDU-level reader needs the card "
                                  + "connected first: the reader must know the card's protocol state")
        case .apduLevel, .t0:
            return try await secureMessage(slot: slot, operation: operation, timeout: timeout)
        case .t1(let t1):
            return try await secureT1(t1, slot: slot, operation: operation, timeout: timeout)
        }
    }

    private func secureT1(_ t1: T1Protocol, slot: UInt8, operation: CCIDPINOperation,
                          timeout: Duration) async throws(CCIDReaderError) -> [UInt8] {
        guard let template = operation.templateAPDU else {
            throw CCIDReaderError(.invalidParameter, "bPINOperation \(operation.operation) is not a PIN entry")
        }
        let result: Result<[UInt8], any Error>
        do {
            result = .success(try await t1.transceive(readerBuiltINFLength: template.count) { prologue, resend in
                let sent: CCIDPINOperation = resend ? .other(operation: Self.resendIBlock, data: [])
                    : operation.withTeoPrologue(prologue)
                return try await self.secureBlock(slot: slot, operation: sent, timeout: timeout)
            })
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let response): return response
        case .failure(let error as CCIDReaderError): throw error
        case .failure(let error as T1Error):
            let code: CCIDReaderError.Code = error.code == .cardNotResponding ? .cardMute : .protocolError
            throw CCIDReaderError(code, "T=1 after PIN entry: \(error)")
        case .failure(let error): throw CCIDReaderError(.protocolError, "T=1 after PIN entry: \(error)")
        }
    }

    /// bPINOperation 05: the reader sends its last I-block again (CCID 1.1 §6.1.11), the
    /// answer to a card that asks for it with an R-block; the PIN stays in the reader.
    static let resendIBlock: UInt8 = 0x05

    /// One Secure message carrying a T=1 block. A mute card is the lost-block case of the
    /// T=1 rules (nil), not the end of the session.
    private func secureBlock(slot: UInt8, operation: CCIDPINOperation,
                             timeout: Duration) async throws -> [UInt8]? {
        let result: Result<[UInt8], CCIDReaderError>
        do { result = .success(try await secureMessage(slot: slot, operation: operation, timeout: timeout)) } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let block): return block
        case .failure(let error) where error.code == .cardMute: return nil
        case .failure(let error): throw error
        }
    }

    /// The message itself: at the APDU level and for T=0 the reader's DataBlock is the
    /// response APDU; for T=1 at the TPDU level it is the card's block.
    private func secureMessage(slot: UInt8, operation: CCIDPINOperation,
                               timeout: Duration) async throws(CCIDReaderError) -> [UInt8] {
        let message = try await transact(.secure(bwi: 0, levelParameter: 0, operation: operation), slot: slot,
                                         readTimeout: max(timeout, options.minimumReadTimeout) + options.readMargin)
        guard case .dataBlock(_, _, _, let reply) = message.payload else {
            throw CCIDReaderError(.protocolError, "PC_to_RDR_Secure answered with \(message.name)")
        }
        return reply
    }
}
