import APDU

/// PC/SC part 10 on a connected card: the reader's features and secure PIN entry.
extension PCSCCard {
    /// CM_IOCTL_GET_FEATURE_REQUEST. Readers and drivers without part 10 answer the control
    /// call with an error; that is reported as an empty list, not thrown.
    public func features() throws(PCSCError) -> PCSCFeatureList {
        let answer: [UInt8]
        do {
            answer = try control(code: PCSCFeature.getFeatureRequestCode, maxResponse: 256)
        } catch where error.code == .unsupportedFeature || error.code == .notTransacted {
            answer = []
        }
        do {
            return try PCSCFeatureList(parsing: answer)
        } catch {
            throw PCSCError(.commDataLost, operation: "GET_FEATURE_REQUEST(\"\(reader)\"): \(error)")
        }
    }

    public func pinProperties(_ features: PCSCFeatureList) throws(PCSCError) -> PINProperties? {
        guard let code = features.controlCode(.ifdPINProperties) else { return nil }
        let answer = try control(code: code, maxResponse: 256)
        do { return try PINProperties(parsing: answer) } catch {
            throw PCSCError(.commDataLost, operation: "FEATURE_IFD_PIN_PROPERTIES(\"\(reader)\"): \(error)")
        }
    }

    public func tlvProperties(_ features: PCSCFeatureList) throws(PCSCError) -> TLVProperties? {
        guard let code = features.controlCode(.getTLVProperties) else { return nil }
        let answer = try control(code: code, maxResponse: 256)
        do { return try TLVProperties(parsing: answer) } catch {
            throw PCSCError(.commDataLost, operation: "FEATURE_GET_TLV_PROPERTIES(\"\(reader)\"): \(error)")
        }
    }

    /// FEATURE_VERIFY_PIN_DIRECT: the user types the PIN on the reader; the host never sees it.
    /// Returns the card's answer; check it with `PINPadError.check`.
    public func verifyPIN(_ structure: PINVerifyStructure, features: PCSCFeatureList) throws(PCSCError) -> ResponseAPDU {
        guard let code = features.controlCode(.verifyPINDirect) else {
            throw PCSCError(.unsupportedFeature, operation: "FEATURE_VERIFY_PIN_DIRECT(\"\(reader)\")")
        }
        return try pinResponse(control(code: code, data: structure.encoded(), maxResponse: 258), "FEATURE_VERIFY_PIN_DIRECT")
    }

    /// FEATURE_MODIFY_PIN_DIRECT: old and new PIN typed on the reader.
    public func modifyPIN(_ structure: PINModifyStructure, features: PCSCFeatureList) throws(PCSCError) -> ResponseAPDU {
        guard let code = features.controlCode(.modifyPINDirect) else {
            throw PCSCError(.unsupportedFeature, operation: "FEATURE_MODIFY_PIN_DIRECT(\"\(reader)\")")
        }
        return try pinResponse(control(code: code, data: structure.encoded(), maxResponse: 258), "FEATURE_MODIFY_PIN_DIRECT")
    }

    private func pinResponse(_ answer: [UInt8], _ operation: String) throws(PCSCError) -> ResponseAPDU {
        guard answer.count >= 2 else {
            throw PCSCError(.commDataLost, operation: "\(operation)(\"\(reader)\"): \(answer.count) byte(s), no status word")
        }
        return ResponseAPDU(data: Array(answer.dropLast(2)),
                            statusWord: StatusWord(sw1: answer[answer.count - 2], sw2: answer[answer.count - 1]))
    }
}
