import Testing
import Transcript
import TrustedPathCore

@Suite struct FixtureTests {
    @Test func usbmonCaptureReadsFully() throws {
        let packets = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbmon", "pcap"))
        #expect(packets.count == 902)   // as tshark counts them
        #expect(packets.map(\.frame) == Array(1...902))
        #expect(packets.allSatisfy { $0.packet.device == 2 && $0.packet.bus == 1 })
        let first = try #require(packets.first)
        #expect(first.offset == 24)
        #expect(first.packet.urbID == 0xFFFF_8800_0000_0040)
        #expect(first.packet.event == .submission)
        #expect(first.packet.setup == [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00])
        #expect(first.packet.length == 18)
        #expect(first.packet.status == -115)
        #expect(packets[1].packet.data.count == 18)
    }

    @Test func usbpcapCaptureReadsFully() throws {
        var reader = CaptureReader(bytes: try Fixture.bytes("emv-reader-usbpcap", "pcapng"))
        var packets: [CapturedPacket] = []
        while let p = try reader.next() { packets.append(p) }
        #expect(reader.format == .pcapng)
        // 7062 records; control transfers fold their stages into submission + completion.
        #expect(packets.count > 7000 && packets.count <= 7062)
        #expect(packets.map(\.frame) == packets.map(\.frame).sorted())
        #expect(packets.last.map(\.frame) ?? 0 <= 7062)
        let firstControl = try #require(packets.first { $0.packet.transferType == .control })
        #expect(firstControl.packet.setup == [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00])
        #expect(firstControl.packet.length == 18)
    }

    /// The usbmon file re-wraps the reader's (device 2's) traffic from the USBPcap file.
    @Test func bothCapturesCarryTheSameBulkPayloads() throws {
        let usbmon = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbmon", "pcap"))
        let usbpcap = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbpcap", "pcapng"))
        func bulk(_ packets: [CapturedPacket]) -> [[UInt8]] {
            packets.filter { $0.packet.transferType == .bulk && $0.packet.device == 2 && !$0.packet.data.isEmpty }
                .map { [$0.packet.endpoint] + $0.packet.data }
        }
        let a = bulk(usbmon), b = bulk(usbpcap)
        #expect(a.count > 400)
        #expect(a == b)
    }

    /// Stronger: after folding USBPcap's control stages, the USBPcap file's device-2 events
    /// are the usbmon file's events one for one (event, type, endpoint, status, length,
    /// setup, data, time). Two things differ by nature: URB ids (Windows IRP addresses vs
    /// the re-wrap's), and a bulk IN submission's requested length, which USBPcap does not
    /// record (it reports 0; the re-wrap says 65546).
    @Test func usbpcapFoldsToTheUsbmonEvents() throws {
        let usbmon = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbmon", "pcap")).map(\.packet)
        let usbpcap = try CaptureReader.readAll(Fixture.bytes("emv-reader-usbpcap", "pcapng"))
            .map(\.packet).filter { $0.device == 2 }
        #expect(usbpcap.count == usbmon.count)
        for (windows, linux) in zip(usbpcap, usbmon) {
            var expected = linux
            expected.urbID = windows.urbID
            if linux.event == .submission, linux.isIn, linux.transferType != .control {
                #expect(windows.length == 0)
                expected.length = 0
            }
            #expect(windows == expected)
        }
    }
}
