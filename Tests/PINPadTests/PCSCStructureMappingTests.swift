import CCID
import PCSC
@testable import PINPad
import TCOS
import Testing

/// Behind pcscd the PIN pad is driven through PC/SC part 10: our PIN_VERIFY/PIN_MODIFY
/// structure goes to SCardControl and libccid rebuilds a PC_to_RDR_Secure from it. That
/// rebuilt message must be, byte for byte, the one the direct USB path sends for the same
/// template, or a pad behind pcscd would format the PIN differently (or prompt differently).
@Suite struct PCSCStructureMappingTests {
    /// libccid's SecurePINVerify: the part 10 structure without bTimerOut2 (byte 1) and
    /// ulDataLength (bytes 15-18) is the CCID PIN verify data.
    static func libccidVerify(_ structure: [UInt8]) -> [UInt8] {
        structure.enumerated().filter { $0.offset != 1 && !(15...18).contains($0.offset) }.map(\.element)
    }

    /// libccid's SecurePINModify: without bTimerOut2, bMsgIndex2 when bNumberMessage is 0,
    /// bMsgIndex3 when it is below 3, and ulDataLength (bytes 20-23).
    static func libccidModify(_ structure: [UInt8]) -> [UInt8] {
        let messages = structure[11]
        return structure.enumerated().filter { index, _ in
            index != 1 && !(index == 15 && messages == 0) && !(index == 16 && messages < 3) && !(20...23).contains(index)
        }.map(\.element)
    }

    @Test(arguments: [PINBlockFormat.trustedPathASCII, .bcd, .iso9564Format2])
    func verifyStructureIsTheSecureMessageOfTheUSBPath(_ format: PINBlockFormat) throws {
        var options = PINPadOptions()
        options.pinFormat = format
        let ccid = try SecurePINTemplate.verify(reference: 0x81, format: format).ccidVerify(options: options)
        let structure = PCSCPINPadTransport.structure(ccid, timeoutSeconds: Int(options.entryTimeoutSeconds)).encoded()
        #expect(Self.libccidVerify(structure) == ccid.encode())
    }

    @Test(arguments: [true, false])
    func modifyStructureIsTheSecureMessageOfTheUSBPath(_ confirm: Bool) throws {
        for format in [PINBlockFormat.trustedPathASCII, .iso9564Format2] {
            let options = PINPadOptions()
            let ccid = try SecurePINTemplate.changeReferenceData(reference: 0x81, format: format, confirmNewPIN: confirm)
                .ccidModify(options: options)
            let structure = PCSCPINPadTransport.structure(ccid, timeoutSeconds: Int(options.entryTimeoutSeconds)).encoded()
            #expect(Self.libccidModify(structure) == ccid.encode(), "\(format), confirm \(confirm)")
        }
    }
}
