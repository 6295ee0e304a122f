import Simulator
import TCOS
import Testing
import TrustedPathCore

@Suite struct SecurePINTemplateTests {
    @Test func verifyTemplateCarriesEmptyBlocks() {
        let template = SecurePINTemplate.verify(reference: 0x81)
        #expect(template.templateAPDU == [0x00, 0x20, 0x00, 0x81, 0x08] + Array(repeating: 0xFF, count: 8))
        #expect(template.format.minLength == 6 && template.format.maxLength == 8)
        let modify = SecurePINTemplate.changeReferenceData(reference: 0x81, format: .iso9564Format2)
        #expect(modify.newPINOffset == 8)
        #expect(modify.templateAPDU.count == 5 + 16)
        #expect(Array(modify.templateAPDU.prefix(6)) == [0x00, 0x24, 0x00, 0x81, 0x10, 0x20])
        #expect(modify.format.lengthField?.bitOffset == 4)
    }

    @Test func blocksForEachFormat() throws {
        let pin = SecretBytes(Array("123456".utf8))
        #expect(try #require(PINBlockFormat.trustedPathASCII.block(for: pin)).withBytes { $0 }
                == [0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0xFF, 0xFF])
        #expect(try #require(PINBlockFormat.bcd.block(for: pin)).withBytes { $0 } == [0x12, 0x34, 0x56, 0xFF])
        #expect(try #require(PINBlockFormat.iso9564Format2.block(for: SecretBytes(Array("1234567".utf8)))).withBytes { $0 }
                == [0x27, 0x12, 0x34, 0x56, 0x7F, 0xFF, 0xFF, 0xFF])
        #expect(PINBlockFormat.trustedPathASCII.block(for: SecretBytes(Array("12345".utf8))) == nil)
        #expect(PINBlockFormat.trustedPathASCII.block(for: SecretBytes(Array("12345a".utf8))) == nil)
    }

    /// What a PIN pad sends from the template is accepted by the simulated card.
    @Test func filledTemplatesWorkOnTheSimulatedCard() throws {
        let card = SimulatedTCOSCard()
        _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53])
        for format in [PINBlockFormat.trustedPathASCII, .iso9564Format2] {
            let apdu = try #require(SecurePINTemplate.verify(reference: 0x81, format: format).filled(pin: secret("123456")))
            #expect(apdu.withBytes { card.process($0) } == [0x90, 0x00])
            #expect("\(apdu)" == "<redacted>")
        }
        let change = try #require(SecurePINTemplate.changeReferenceData(reference: 0x81, format: .iso9564Format2)
            .filled(pin: secret("123456"), newPIN: secret("11223344")))
        #expect(change.withBytes { card.process($0) } == [0x90, 0x00])
        card.reset()
        _ = card.process([0x00, 0xA4, 0x08, 0x0C, 0x02, 0x4B, 0x53])
        #expect(card.process([0x00, 0x20, 0x00, 0x81, 0x08] + Array("11223344".utf8)) == [0x90, 0x00])
    }
}
