import Testing
import Transcript
import TrustedPathCore

/// `nextEvent` decodes pcap records in place, apart from `next()`: both must see the same
/// packets, frames and errors on every input, whole, cut or corrupted.
@Suite struct LentEventTests {
    static func readLent(_ bytes: [UInt8]) -> (packets: [CapturedPacket], error: TranscriptError?) {
        var reader = CaptureReader(bytes: bytes)
        var packets: [CapturedPacket] = []
        do {
            while try reader.nextEvent({ frame, event in packets.append(CapturedPacket(frame: frame, offset: 0, packet: event.packet)) }) {}
            return (packets, nil)
        } catch {
            return (packets, error)
        }
    }

    static func expectSame(_ bytes: [UInt8], _ comment: Comment? = nil) {
        let owned = CaptureReader.readPrefix(bytes)
        let lent = readLent(bytes)
        #expect(lent.packets.map(\.packet) == owned.packets.map(\.packet), comment)
        #expect(lent.packets.map(\.frame) == owned.packets.map(\.frame), comment)
        #expect(lent.error == owned.error, comment)
    }

    @Test(arguments: [("emv-reader-usbmon", "pcap"), ("emv-reader-usbpcap", "pcapng")])
    func fixturesReadAlike(name: String, ext: String) throws {
        let bytes = try Fixture.bytes(name, ext)
        Self.expectSame(bytes)
        #expect(Self.readLent(bytes).packets.count > 900)
    }

    @Test func cutAndCorruptedCapturesReadAlike() {
        for mmapped in [true, false] {
            let capture = UsbmonCaptureWriter(linkType: mmapped ? .usbLinuxMmapped : .usbLinux).capture(Samples.packets)
            for length in 0...capture.count { Self.expectSame(Array(capture[0..<length]), "cut at \(length)") }
            var state: UInt64 = 0x2545_F491_4F6C_DD1D
            for round in 0..<500 {
                var bytes = capture
                for _ in 0..<3 {
                    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    bytes[Int(state >> 33) % bytes.count] = UInt8(truncatingIfNeeded: state >> 17)
                }
                Self.expectSame(bytes, "round \(round)")
            }
        }
    }
}
