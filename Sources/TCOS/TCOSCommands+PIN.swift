import APDU
import TrustedPathCore

/// The PIN commands and GET CHALLENGE. Every PIN goes through `sendSecret`, which wipes the
/// APDU data after the command is sent (see `TCOSCommands`).
extension TCOSCommands {
    // MARK: - PINs (00 20 / 00 24 / 00 2C)

    /// VERIFY without data: asks the retry counter, spends nothing.
    public func pinStatus(reference: UInt8) async throws(TCOSError) -> PINStatus {
        let response = try await send(0x00, 0x20, 0x00, reference)
        return try Self.pinStatus(response, "VERIFY status of PIN \(hexByte(reference))")
    }

    /// VERIFY with the PIN. A wrong PIN is an answer, not an error: `.notVerified(triesLeft:)`.
    public func verify(reference: UInt8, pin: SecretBytes) async throws(TCOSError) -> PINStatus {
        let response = try await sendSecret(0x20, 0x00, reference, [pin])
        return try Self.pinStatus(response, "VERIFY PIN \(hexByte(reference))")
    }

    /// CHANGE REFERENCE DATA (P1 00): old PIN then new PIN in one data field.
    public func changeReferenceData(reference: UInt8, oldPIN: SecretBytes,
                                    newPIN: SecretBytes) async throws(TCOSError) -> PINStatus {
        let response = try await sendSecret(0x24, 0x00, reference, [oldPIN, newPIN])
        return try Self.pinStatus(response, "CHANGE REFERENCE DATA \(hexByte(reference))")
    }

    /// RESET RETRY COUNTER (P1 00): PUK then new PIN; the PIN's counter is reset to its maximum.
    /// Returns the PUK's status (a wrong PUK spends a PUK try).
    public func resetRetryCounter(reference: UInt8, puk: SecretBytes,
                                  newPIN: SecretBytes) async throws(TCOSError) -> PINStatus {
        let response = try await sendSecret(0x2C, 0x00, reference, [puk, newPIN])
        return try Self.pinStatus(response, "RESET RETRY COUNTER \(hexByte(reference))")
    }

    static func pinStatus(_ response: ResponseAPDU, _ context: String) throws(TCOSError) -> PINStatus {
        let sw = response.statusWord
        if sw == .success { return .verified }
        if sw == .authenticationMethodBlocked { return .blocked }
        if let tries = sw.triesLeft { return tries == 0 ? .blocked : .notVerified(triesLeft: tries) }
        try check(response, context)
        return .verified
    }

    // MARK: - GET CHALLENGE (00 84)

    public func getChallenge(count: Int = 8) async throws(TCOSError) -> [UInt8] {
        guard (1...256).contains(count) else {
            throw TCOSError(.invalidArgument, field: "challenge length", "\(count)")
        }
        let response = try await send(0x00, 0x84, 0x00, 0x00, ne: count)
        try Self.check(response, "GET CHALLENGE")
        guard response.data.count == count else {
            throw TCOSError(.malformedResponse, field: "challenge", "\(response.data.count) byte(s), asked \(count)")
        }
        return response.data
    }
}
