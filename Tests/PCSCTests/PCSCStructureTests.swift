import APDU
import PCSC
import Testing
import VPCDBridge

/// Byte layouts and mappings that need no pcscd: run in every tier.
struct PCSCStructureTests {
    @Test func verifyStructureLayout() {
        // VERIFY for a TCOS PIN: ASCII, 8-byte block padded with FF, 4..8 digits, 30 s timeout.
        var verify = PINVerifyStructure(formatString: 0x82, pinBlockString: 0x08, pinLengthFormat: 0x00,
                                        minPINLength: 4, maxPINLength: 8,
                                        apdu: [0x00, 0x20, 0x00, 0x01, 0x08] + Array(repeating: 0xFF, count: 8))
        verify.timeout = 30
        let bytes = verify.encoded()
        #expect(bytes.count == PINVerifyStructure.headerLength + 13)
        #expect(Array(bytes[0..<19]) == [
            30, 0,             // bTimerOut, bTimerOut2
            0x82, 0x08, 0x00,  // bmFormatString, bmPINBlockString, bmPINLengthFormat
            0x08, 0x04,        // wPINMaxExtraDigit 0x0408 little-endian: max, then min
            0x02, 0x01,        // bEntryValidationCondition, bNumberMessage
            0x09, 0x04,        // wLangId 0x0409
            0x00,              // bMsgIndex
            0, 0, 0,           // bTeoPrologue
            13, 0, 0, 0,       // ulDataLength
        ])
        #expect(Array(bytes[19...]) == verify.apdu)
    }

    @Test func modifyStructureLayout() {
        var modify = PINModifyStructure(formatString: 0x82, pinBlockString: 0x08, pinLengthFormat: 0,
                                        insertionOffsetOld: 0, insertionOffsetNew: 8, minPINLength: 6, maxPINLength: 8,
                                        apdu: [0x00, 0x24, 0x00, 0x01, 0x10] + Array(repeating: 0xFF, count: 16))
        modify.language = 0x0407
        let bytes = modify.encoded()
        #expect(Array(bytes[0..<24]) == [
            0, 0, 0x82, 0x08, 0x00,
            0x00, 0x08,        // bInsertionOffsetOld, bInsertionOffsetNew
            0x08, 0x06,        // wPINMaxExtraDigit
            0x03, 0x02, 0x03,  // bConfirmPIN, bEntryValidationCondition, bNumberMessage
            0x07, 0x04,        // wLangId
            0, 1, 2,           // bMsgIndex1..3
            0, 0, 0,
            21, 0, 0, 0,
        ])
        #expect(bytes.count == 24 + 21)
    }

    @Test func featureListParses() throws {
        // As libccid answers for a PIN-pad reader: verify, modify, PIN properties, TLV properties.
        let answer: [UInt8] = [0x06, 4, 0x42, 0x33, 0x00, 0x06, 0x07, 4, 0x42, 0x33, 0x00, 0x07,
                               0x0A, 4, 0x42, 0x33, 0x00, 0x0A, 0x12, 4, 0x42, 0x33, 0x00, 0x12]
        let list = try PCSCFeatureList(parsing: answer)
        #expect(list.features == [.verifyPINDirect, .modifyPINDirect, .ifdPINProperties, .getTLVProperties])
        #expect(list.controlCode(.verifyPINDirect) == 0x4233_0006)
        #expect(PCSCFeature.getFeatureRequestCode == 0x4200_0D48)
        #expect(try PCSCFeatureList(parsing: []).isEmpty)
        #expect(throws: PCSCParseError.self) { try PCSCFeatureList(parsing: [0x06, 2, 0x42, 0x33]) }
        #expect(throws: PCSCParseError.self) { try PCSCFeatureList(parsing: [0x06, 4, 0x42]) }
    }

    @Test func pinAndTLVPropertiesParse() throws {
        let pin = try PINProperties(parsing: [0x10, 0x02, 0x07, 0x1E])
        #expect(pin.lcdLines == 2 && pin.lcdCharactersPerLine == 16)
        #expect(pin.entryValidationCondition == 7 && pin.timeOut2 == 30)
        #expect(throws: PCSCParseError.self) { try PINProperties(parsing: [0x10]) }

        let tlv = try TLVProperties(parsing: [0x01, 2, 0x10, 0x02, 0x06, 1, 4, 0x07, 1, 8,
                                              0x08, 4, 0x41, 0x42, 0x43, 0x00, 0x0B, 2, 0x4B, 0x0C, 0x42, 1, 9])
        #expect(tlv.lcdLayout == 0x0210)
        #expect(tlv.minPINSize == 4 && tlv.maxPINSize == 8)
        #expect(tlv.firmwareID == "ABC")
        #expect(tlv.vendorID == 0x0C4B)
        #expect(tlv.raw[0x42] == [9])
        #expect(throws: PCSCParseError.self) { try TLVProperties(parsing: [0x01, 4, 0]) }
    }

    @Test func pinPadStatusWords() {
        #expect(PINPadError(StatusWord(0x9000)) == nil)
        #expect(PINPadError(StatusWord(0x6400)) == .timeout)
        #expect(PINPadError(StatusWord(0x6401)) == .cancelled)
        #expect(PINPadError(StatusWord(0x63C2)) == .wrongPIN(triesLeft: 2))
        #expect(PINPadError(StatusWord(0x6983)) == .blocked)
        #expect(PINPadError.timeout.description.contains("timed out"))
        #expect(PINPadError.cancelled.description.contains("cancelled"))
        #expect(PINPadError.wrongPIN(triesLeft: 1).description == "wrong PIN; 1 try left")
        #expect(throws: PINPadError.cancelled) { try PINPadError.check(ResponseAPDU(statusWord: StatusWord(0x6401))) }
    }

    @Test func errorNamesAndAdvice() {
        let noService = PCSCError(.noService, operation: "SCardEstablishContext")
        #expect(noService.code.name == "SCARD_E_NO_SERVICE")
        #expect(noService.description.contains("pcscd is not running"))
        #expect(noService.systemText == "Service not available.")
        #expect(PCSCError.Code.removedCard.name == "SCARD_W_REMOVED_CARD")
        #expect(PCSCError.Code(rawValue: 0x8010_00FF).name == "0x801000FF")
    }

    @Test func multiStringParses() {
        let bytes = Array("Virtual PCD 00 00".utf8) + [0] + Array("Virtual PCD 00 01".utf8) + [0, 0]
        #expect(PCSCContext.parseMultiString(bytes) == ["Virtual PCD 00 00", "Virtual PCD 00 01"])
        #expect(PCSCContext.parseMultiString([0]) == [])
    }

    /// A USB reader that pcscd holds is found by the serial in its PC/SC name, never by
    /// being first in the list: the first reader may hold another card.
    @Test func aUSBReaderIsFoundByItsSerialAmongPCSCReaders() {
        let readers = ["Virtual PCD 00 00", "REINER SCT cyberJack e-com (0000471100) 00 00",
                       "REINER SCT cyberJack e-com (0000471200) 00 00"]
        #expect(PCSCReaderNames.reader(forUSBSerial: "0000471200", among: readers) == readers[2])
        #expect(PCSCReaderNames.reader(forUSBSerial: "0000471100", among: readers) == readers[1])
        // Unknown serial, or none, among several readers: the user has to name it.
        #expect(PCSCReaderNames.reader(forUSBSerial: "0000999900", among: readers) == nil)
        #expect(PCSCReaderNames.reader(forUSBSerial: nil, among: readers) == nil)
        // A serial that is part of another one is no match.
        #expect(PCSCReaderNames.reader(forUSBSerial: "471100", among: readers) == nil)
        // The only reader is the one.
        #expect(PCSCReaderNames.reader(forUSBSerial: nil, among: [readers[1]]) == readers[1])
        #expect(PCSCReaderNames.reader(forUSBSerial: "x", among: []) == nil)
    }

    @Test func vpcdFraming() {
        #expect(VPCDMessage.frame([0x00, 0xA4]) == [0x00, 0x02, 0x00, 0xA4])
        #expect(VPCDMessage(payload: [0x04]) == .atrRequest)
        #expect(VPCDMessage(payload: [0x00]) == .powerOff)
        #expect(VPCDMessage(payload: [0x01]) == .powerOn)
        #expect(VPCDMessage(payload: [0x02]) == .reset)
        #expect(VPCDMessage(payload: [0x00, 0xB0]) == .apdu([0x00, 0xB0]))
    }
}
