import CCID
import Testing

@Suite struct T1BlockTests {
    @Test func lrcKnownValue() throws {
        // S(IFS request) IFSD 254 as libccid sends it after power-up: 00 C1 01 FE 3E.
        let block = T1Block(kind: .supervisory(.ifs, response: false), inf: [0xFE])
        #expect(block.encoded(edc: .lrc) == [0x00, 0xC1, 0x01, 0xFE, 0x3E])
    }

    @Test func crcCheckValue() {
        // CRC-16 with preset FFFF, reflected 0x8408, no final XOR ("CRC-16/MCRF4XX"):
        // check value over ASCII "123456789" is 0x6F91.
        #expect(T1EDC.crc(Array("123456789".utf8)[...]) == 0x6F91)
        #expect(t1(0x00, [], .crc) == T1Block(kind: .information(sequence: 0, more: false)).encoded(edc: .crc))
    }

    @Test(arguments: [T1EDC.lrc, .crc])
    func roundTripsEveryKind(edc: T1EDC) throws {
        let kinds: [(T1Block.Kind, [UInt8])] = [
            (.information(sequence: 0, more: false), [0x00, 0xA4, 0x04, 0x00]),
            (.information(sequence: 1, more: true), Array(repeating: 0x55, count: 254)),
            (.information(sequence: 0, more: false), []),
            (.receiveReady(sequence: 1, error: .none), []),
            (.receiveReady(sequence: 0, error: .edc), []),
            (.receiveReady(sequence: 1, error: .other), []),
            (.supervisory(.resynch, response: false), []),
            (.supervisory(.ifs, response: true), [0x20]),
            (.supervisory(.abort, response: false), []),
            (.supervisory(.wtx, response: false), [0x05]),
        ]
        for (kind, inf) in kinds {
            let block = T1Block(nad: 0x21, kind: kind, inf: inf)
            let bytes = block.encoded(edc: edc)
            #expect(bytes == t1(T1Block.pcb(kind), inf, edc, nad: 0x21))
            #expect(try T1Block(parsing: bytes, edc: edc) == block)
        }
    }

    @Test func pcbCodings() {
        #expect(T1Block.pcb(.information(sequence: 1, more: true)) == 0x60)
        #expect(T1Block.pcb(.receiveReady(sequence: 1, error: .edc)) == 0x91)
        #expect(T1Block.pcb(.supervisory(.wtx, response: true)) == 0xE3)
        #expect(T1Block.kind(pcb: 0x01) == nil)   // I-block with RFU bits
        #expect(T1Block.kind(pcb: 0x83) == nil)   // R-block error code 3 is RFU
        #expect(T1Block.kind(pcb: 0xA0) == nil)   // R-block b6 set
        #expect(T1Block.kind(pcb: 0xC4) == nil)   // S(VPP error) is no longer defined
    }

    private func code(_ bytes: [UInt8], _ edc: T1EDC = .lrc) -> T1Error.Code? {
        do {
            _ = try T1Block(parsing: bytes, edc: edc)
            return nil
        } catch {
            return error.code
        }
    }

    @Test func rejectsMalformedBlocks() {
        #expect(code([]) == .truncated)
        #expect(code([0x00, 0x00, 0x00]) == .truncated)
        #expect(code([0x00, 0x00, 0x00, 0x00], .crc) == .truncated)
        #expect(code([0x00, 0x00, 0x02, 0x90, 0x90]) == .lengthMismatch)
        #expect(code([0x00, 0x00, 0x01, 0x90, 0x00, 0x91, 0x00]) == .lengthMismatch)
        #expect(code([0x00, 0x00, 0xFF] + Array(repeating: 0, count: 256)) == .reservedLength)
        #expect(code([0x00, 0x00, 0x02, 0x90, 0x00, 0x00]) == .badEDC)
        var crcBlock = t1(0x00, [0x90, 0x00], .crc)
        crcBlock[crcBlock.count - 1] ^= 1
        #expect(code(crcBlock, .crc) == .badEDC)
        #expect(code(t1(0x05, [], .lrc)) == .invalidBlock)
        #expect(code(t1(0x80, [0x01], .lrc)) == .invalidBlock)       // R-block with INF
        #expect(code(t1(0xC1, [0x00], .lrc)) == .invalidBlock)       // IFS 0
        #expect(code(t1(0xC1, [0xFF], .lrc)) == .invalidBlock)       // IFS 255
        #expect(code(t1(0xC3, [], .lrc)) == .invalidBlock)           // WTX without INF
        #expect(code(t1(0xC0, [0x01], .lrc)) == .invalidBlock)       // RESYNCH with INF
    }
}
