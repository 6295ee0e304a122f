import Testing
import Transcript
import TrustedPathCore

@Suite struct PcapngTests {
    /// A USBPcap bulk record: 27-byte header, then data.
    static func usbpcap(irp: UInt64, status: UInt32 = 0, completion: Bool, endpoint: UInt8,
                        transfer: UInt8, stage: UInt8? = nil, data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendLE16(stage == nil ? 27 : 28)
        out.appendLE64(irp)
        out.appendLE32(status)
        out.appendLE16(9)
        out.append(completion ? 1 : 0)
        out.appendLE16(1)
        out.appendLE16(4)
        out.append(endpoint)
        out.append(transfer)
        out.appendLE32(UInt32(data.count))
        if let stage { out.append(stage) }
        return out + data
    }

    @Test(arguments: [false, true])
    func mixedInterfacesAndResolutions(bigEndian: Bool) throws {
        var b = PcapngBuilder(bigEndian: bigEndian)
        b.sectionHeader()
        b.interface(linkType: 220)                         // 0: usbmon, microseconds
        b.interface(linkType: 1)                           // 1: Ethernet, skipped
        b.interface(linkType: 189, tsresol: 9)             // 2: usbmon 48, nanoseconds
        b.interface(linkType: 249, tsresol: 0x80 | 20)     // 3: USBPcap, 2^-20 s
        b.block(0x0000_0BAD, [1, 2, 3])                    // unknown block: skipped
        let p0 = Samples.packets[4], p2 = Samples.packets[9]
        b.enhancedPacket(interface: 0, timestamp: 1, usbmonRecord(p0, mmapped: true, bigEndian: bigEndian))
        b.enhancedPacket(interface: 1, timestamp: 2, [0xFF, 0xFF])
        var p2Without = p2
        p2Without.interval = 0
        b.enhancedPacket(interface: 2, timestamp: 3, usbmonRecord(p2Without, mmapped: false, bigEndian: bigEndian))
        b.enhancedPacket(interface: 3, timestamp: (5 << 20) | (1 << 19),
                         Self.usbpcap(irp: 77, status: 0xC000_0004, completion: true, endpoint: 0x83,
                                      transfer: 3, data: [0xAB, 0xCD]))
        let read = try CaptureReader.readAll(b.bytes)
        #expect(read.map(\.frame) == [1, 3, 4])
        #expect(read[0].packet == p0)
        #expect(read[1].packet == p2Without)
        let w = read[2].packet
        #expect(w.urbID == 77 && w.event == .completion && w.transferType == .bulk)
        #expect(w.status == -32 && w.data == [0xAB, 0xCD] && w.length == 2 && w.device == 4)
        #expect(w.seconds == 5 && w.microseconds == 500_000)
    }

    @Test func simplePacketBlocksAndSectionsInBothOrders() throws {
        var little = PcapngBuilder(bigEndian: false)
        little.sectionHeader()
        little.interface(linkType: 220)
        little.simplePacket(usbmonRecord(Samples.packets[0], mmapped: true, bigEndian: false))
        var big = PcapngBuilder(bigEndian: true)
        big.sectionHeader()
        big.interface(linkType: 220)
        big.simplePacket(usbmonRecord(Samples.packets[1], mmapped: true, bigEndian: true))
        let read = try CaptureReader.readAll(little.bytes + big.bytes)
        #expect(read.map(\.packet) == [Samples.packets[0], Samples.packets[1]])
        #expect(read.map(\.offset) == [48, little.bytes.count + 48])
    }

    @Test func usbpcapControlStagesFold() throws {
        var b = PcapngBuilder(bigEndian: false)
        b.sectionHeader()
        b.interface(linkType: 249)
        let setupOut: [UInt8] = [0x21, 0x09, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00]
        // Old USBPcap: setup, OUT data, then status; newer: setup, then "complete".
        b.enhancedPacket(interface: 0, timestamp: 1, Self.usbpcap(irp: 5, completion: false, endpoint: 0, transfer: 2, stage: 0, data: setupOut))
        b.enhancedPacket(interface: 0, timestamp: 2, Self.usbpcap(irp: 5, completion: false, endpoint: 0, transfer: 2, stage: 1, data: [7, 8, 9]))
        b.enhancedPacket(interface: 0, timestamp: 3, Self.usbpcap(irp: 5, status: 0xC000_0004, completion: true, endpoint: 0, transfer: 2, stage: 2, data: []))
        let setupIn: [UInt8] = [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00]
        b.enhancedPacket(interface: 0, timestamp: 4, Self.usbpcap(irp: 6, completion: false, endpoint: 0x80, transfer: 2, stage: 0, data: setupIn))
        b.enhancedPacket(interface: 0, timestamp: 5, Self.usbpcap(irp: 6, completion: true, endpoint: 0x80, transfer: 2, stage: 1, data: [1, 2]))
        b.enhancedPacket(interface: 0, timestamp: 6, Self.usbpcap(irp: 6, completion: true, endpoint: 0x80, transfer: 2, stage: 2, data: []))
        b.enhancedPacket(interface: 0, timestamp: 7, Self.usbpcap(irp: 8, completion: false, endpoint: 0x80, transfer: 2, stage: 0, data: setupIn))
        b.enhancedPacket(interface: 0, timestamp: 8, Self.usbpcap(irp: 8, completion: true, endpoint: 0x80, transfer: 2, stage: 3, data: [3, 4, 5]))
        // A held setup at end of input is still handed out.
        b.enhancedPacket(interface: 0, timestamp: 9, Self.usbpcap(irp: 9, completion: false, endpoint: 0x80, transfer: 2, stage: 0, data: setupIn))
        let read = try CaptureReader.readAll(b.bytes)
        #expect(read.map(\.frame) == [1, 3, 4, 5, 7, 8, 9])
        let p = read.map(\.packet)
        #expect(p[0].event == .submission && p[0].setup == setupOut && p[0].data == [7, 8, 9] && p[0].length == 3 && p[0].status == -115)
        #expect(p[1].event == .completion && p[1].status == -32 && p[1].setup == nil)
        #expect(p[2].setup == setupIn && p[2].length == 18 && p[2].isIn)
        #expect(p[3].event == .completion && p[3].data == [1, 2] && p[3].length == 2 && p[3].status == 0)
        #expect(p[4].urbID == 8 && p[4].event == .submission)
        #expect(p[5].urbID == 8 && p[5].data == [3, 4, 5])
        #expect(p[6].urbID == 9 && p[6].event == .submission)
    }

    @Test func heldControlStageIsHandedOutBeforeAnError() throws {
        var b = PcapngBuilder(bigEndian: false)
        b.sectionHeader()
        b.interface(linkType: 249)
        let setupIn: [UInt8] = [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00]
        b.enhancedPacket(interface: 0, timestamp: 1, Self.usbpcap(irp: 6, completion: false, endpoint: 0x80, transfer: 2, stage: 0, data: setupIn))
        let cut = b.bytes.count
        b.enhancedPacket(interface: 0, timestamp: 2, Self.usbpcap(irp: 6, completion: true, endpoint: 0x80, transfer: 2, stage: 3, data: [1]))
        let (packets, error) = CaptureReader.readPrefix(Array(b.bytes.dropLast(3)))
        #expect(packets.map(\.packet.setup) == [setupIn])
        #expect(error?.code == .truncated && error?.offset == cut && error?.frame == 2)
    }

    @Test func usbpcapInPlainNanosecondPcap() throws {
        var file: [UInt8] = []
        file.appendLE32(0xA1B2_3C4D); file.appendLE16(2); file.appendLE16(4)
        file.appendLE32(0); file.appendLE32(0); file.appendLE32(65535); file.appendLE32(249)
        let record = Self.usbpcap(irp: 3, completion: false, endpoint: 0x02, transfer: 3, data: [0x6F, 0, 1])
        file.appendLE32(100); file.appendLE32(123_456_789)
        file.appendLE32(UInt32(record.count)); file.appendLE32(UInt32(record.count))
        file += record
        let p = try #require(try CaptureReader.readAll(file).first?.packet)
        #expect(p.seconds == 100 && p.microseconds == 123_456)
        #expect(p.event == .submission && p.status == -115 && p.data == [0x6F, 0, 1] && p.length == 3)
    }
}
