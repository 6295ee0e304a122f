import Foundation
import Testing
import Transcript
import TrustedPathCore

@Suite struct RoundTripTests {
    @Test func pcap220RoundTripsEveryField() throws {
        let bytes = UsbmonCaptureWriter().capture(Samples.packets)
        let read = try CaptureReader.readAll(bytes)
        #expect(read.map(\.packet) == Samples.packets)
        #expect(read.map(\.frame) == Array(1...Samples.packets.count))
        var offset = 24
        for (captured, packet) in zip(read, Samples.packets) {
            #expect(captured.offset == offset)
            offset += 16 + 64 + packet.data.count
        }
    }

    @Test func pcap189RoundTripsAllButMmappedFields() throws {
        let writer = UsbmonCaptureWriter(linkType: .usbLinux)
        let read = try CaptureReader.readAll(writer.capture(Samples.packets)).map(\.packet)
        let expected = Samples.packets.map { p -> UsbmonPacket in
            var q = p
            q.interval = 0; q.startFrame = 0; q.transferFlags = 0
            return q
        }
        #expect(read == expected)
        #expect(writer.record(Samples.packets[0]).count == 16 + 48)
    }

    @Test func recordLayoutMatchesTheKernelStruct() {
        let record = UsbmonCaptureWriter().record(Samples.packets[0])
        #expect(Array(record[8..<12]) == [64, 0, 0, 0])              // captured: header only
        #expect(Array(record[12..<16]) == [64 + 18, 0, 0, 0])         // original: header + wLength
        #expect(record[16 + 8] == UInt8(ascii: "S"))
        #expect(record[16 + 14] == 0)                                   // setup present
        #expect(record[16 + 15] == UInt8(ascii: "<"))                   // no data, IN
        #expect(Array(record[(16 + 40)..<(16 + 48)]) == Samples.packets[0].setup)
    }

    @Test(arguments: [false, true])
    func pcapInEitherByteOrderAndNanoseconds(bigEndian: Bool) throws {
        for nanoseconds in [false, true] {
            var file: [UInt8] = []
            func u32(_ v: UInt32) { if bigEndian { file.appendBE32(v) } else { file.appendLE32(v) } }
            func u16(_ v: UInt16) { if bigEndian { file.appendBE16(v) } else { file.appendLE16(v) } }
            u32(nanoseconds ? 0xA1B2_3C4D : 0xA1B2_C3D4); u16(2); u16(4); u32(0); u32(0); u32(65535); u32(220)
            for p in Samples.packets {
                let body = usbmonRecord(p, mmapped: true, bigEndian: bigEndian)
                u32(UInt32(truncatingIfNeeded: p.seconds))
                u32(nanoseconds ? UInt32(p.microseconds) * 1000 : UInt32(p.microseconds))
                u32(UInt32(body.count)); u32(UInt32(body.count))
                file += body
            }
            var reader = CaptureReader(bytes: file)
            var read: [UsbmonPacket] = []
            while let p = try reader.next() { read.append(p.packet) }
            #expect(reader.format == .pcap(bigEndian: bigEndian, nanoseconds: nanoseconds))
            #expect(read == Samples.packets)
        }
    }

    /// tshark is a tool of this machine, not of every build host, so the test only writes
    /// the file when asked: TRANSCRIPT_SAMPLE_PCAP=/tmp/x.pcap swift test ...; tshark -r it.
    @Test func writerHeaderIsLittleEndianMicrosecondPcap() throws {
        let bytes = UsbmonCaptureWriter().capture(Samples.packets)
        #expect(Array(bytes[0..<4]) == [0xD4, 0xC3, 0xB2, 0xA1])
        #expect(Array(bytes[20..<24]) == [220, 0, 0, 0])
        if let path = ProcessInfo.processInfo.environment["TRANSCRIPT_SAMPLE_PCAP"] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            try Data(UsbmonCaptureWriter(linkType: .usbLinux).capture(Samples.packets))
                .write(to: URL(fileURLWithPath: path + ".189.pcap"))
        }
    }

    @Test func textFormRoundTripsCapturedPackets() throws {
        let text = TranscriptText.format(Samples.packets)
        #expect(try TranscriptText.parse(text) == Samples.packets)
        let fixture = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbmon", "pcap")).map(\.packet)
        let again = try TranscriptText.parse(TranscriptText.format(fixture))
        #expect(again == fixture)
        #expect(TranscriptText.format(again) == TranscriptText.format(fixture))
    }
}
