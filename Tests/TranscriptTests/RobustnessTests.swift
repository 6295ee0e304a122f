import Testing
import Transcript
import TrustedPathCore

@Suite struct RobustnessTests {
    /// Cuts a capture at every length: a cut on a record boundary is a clean end; any
    /// other cut is an error naming the record it fell into, with all earlier packets kept.
    static func checkEveryCut(_ bytes: [UInt8], recordOffsets: [Int], headerLength: Int) {
        for length in 0..<bytes.count {
            let (packets, error) = CaptureReader.readPrefix(Array(bytes[0..<length]))
            let whole = recordOffsets.filter { $0 < length }.count
            if length < 4 {
                #expect(error?.code == .notACapture, "length \(length)")
                continue
            }
            if length < headerLength {
                #expect(error?.code == .truncated && error?.offset == 0, "length \(length)")
                continue
            }
            if recordOffsets.contains(length) || length == headerLength {
                #expect(error == nil, "length \(length)")
                #expect(packets.count == whole, "length \(length)")
                continue
            }
            let cut = recordOffsets.last { $0 < length } ?? 0
            #expect(error?.code == .truncated, "length \(length)")
            #expect(error?.offset == cut, "length \(length)")
            #expect(error?.frame == whole, "length \(length)")
            #expect(packets.count == whole - 1, "length \(length)")
            #expect(packets.map(\.packet) == Array(Samples.packets.prefix(whole - 1)), "length \(length)")
        }
    }

    @Test func truncatedPcapAtEveryLength() throws {
        let writer = UsbmonCaptureWriter()
        let bytes = writer.capture(Samples.packets)
        var offsets: [Int] = []
        var at = 24
        for p in Samples.packets { offsets.append(at); at += writer.record(p).count }
        #expect(at == bytes.count)
        Self.checkEveryCut(bytes, recordOffsets: offsets, headerLength: 24)
    }

    @Test func truncatedPcapngAtEveryLength() throws {
        var b = PcapngBuilder(bigEndian: true)
        b.sectionHeader()
        b.interface(linkType: 220)
        let header = b.bytes.count
        var offsets: [Int] = []
        for p in Samples.packets.prefix(5) {
            offsets.append(b.bytes.count)
            b.enhancedPacket(interface: 0, timestamp: 0, usbmonRecord(p, mmapped: true, bigEndian: true))
        }
        // Cuts inside the section or interface blocks carry no frame; check the packet part.
        for length in (header + 1)..<b.bytes.count {
            let (packets, error) = CaptureReader.readPrefix(Array(b.bytes[0..<length]))
            let whole = offsets.filter { $0 < length }.count
            if offsets.contains(length) {
                #expect(error == nil && packets.count == whole)
            } else {
                let cut = offsets.last { $0 < length } ?? 0
                // Until its 4-byte type is in, a block is not known to be a packet.
                let frame = length - cut >= 4 ? whole : nil
                #expect(error?.code == .truncated && error?.offset == cut
                        && error?.frame == frame && packets.count == whole - 1, "length \(length)")
            }
        }
        for length in 4..<header where length != 28 {   // 28: end of the section header
            let (packets, error) = CaptureReader.readPrefix(Array(b.bytes[0..<length]))
            #expect(packets.isEmpty && error?.code == .truncated && error?.frame == nil, "length \(length)")
        }
    }

    @Test func foreignFilesAreClearErrors() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]
        let error = CaptureReader.readPrefix(png).error
        #expect(error?.code == .notACapture)
        #expect(error?.description.contains("not a pcap or pcapng capture") == true)
        #expect(CaptureReader.readPrefix([]).error?.code == .notACapture)
        var ethernet = UsbmonCaptureWriter().fileHeader()
        ethernet[20] = 1
        let linkError = CaptureReader.readPrefix(ethernet).error
        #expect(linkError?.code == .unsupportedLinkType)
        #expect(linkError?.description.contains("ETHERNET") == true)
        var ethernetNG = PcapngBuilder(bigEndian: false)
        ethernetNG.sectionHeader()
        ethernetNG.interface(linkType: 1)
        ethernetNG.enhancedPacket(interface: 0, timestamp: 0, [1, 2, 3])
        let ngError = CaptureReader.readPrefix(ethernetNG.bytes).error
        #expect(ngError?.code == .unsupportedLinkType && ngError?.description.contains("ETHERNET") == true)
    }

    @Test func randomBytesNeverTrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let valid = UsbmonCaptureWriter().capture(Samples.packets)
        for round in 0..<2000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(next()) * 4).map { _ in next() }
                if round % 4 == 0, bytes.count >= 4 { bytes.replaceSubrange(0..<4, with: [0x0A, 0x0D, 0x0D, 0x0A]) }
            } else {
                bytes = valid
                for _ in 0..<4 { bytes[Int(next()) * Int(next()) % bytes.count] = next() }
            }
            _ = CaptureReader.readPrefix(bytes)
            _ = try? TranscriptText.parse(String(decoding: bytes, as: UTF8.self))
        }
    }

    @Test func corruptLengthsAreRefusedWithoutAllocating() {
        var pcap = UsbmonCaptureWriter().capture(Samples.packets.prefix(1))
        pcap.replaceSubrange(24 + 8..<24 + 12, with: [0xFF, 0xFF, 0xFF, 0x7F])
        let oversized = CaptureReader.readPrefix(pcap).error
        #expect(oversized?.code == .oversizedPacket && oversized?.offset == 24 && oversized?.frame == 1)

        var b = PcapngBuilder(bigEndian: false)
        b.sectionHeader()
        b.interface(linkType: 220)
        let at = b.bytes.count
        b.enhancedPacket(interface: 0, timestamp: 0, usbmonRecord(Samples.packets[0], mmapped: true, bigEndian: false))
        var badLength = b.bytes
        badLength[at + 4] = 0x0E   // not a multiple of 4
        #expect(CaptureReader.readPrefix(badLength).error?.code == .corruptBlock)
        var badTrailer = b.bytes
        badTrailer[badTrailer.count - 4] ^= 0x04
        let trailer = CaptureReader.readPrefix(badTrailer).error
        #expect(trailer?.code == .corruptBlock && trailer?.offset == at)
        var noInterface = b.bytes
        noInterface[at + 8] = 3
        #expect(CaptureReader.readPrefix(noInterface).error?.code == .malformedPacket)
        var shortRecord = UsbmonCaptureWriter().fileHeader()
        shortRecord += [0, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0, 10, 0, 0, 0] + [UInt8](repeating: 0x53, count: 10)
        let short = CaptureReader.readPrefix(shortRecord).error
        #expect(short?.code == .malformedPacket && short?.frame == 1)
    }

    @Test func stopsAfterAnError() throws {
        var reader = CaptureReader(bytes: [1, 2, 3, 4, 5])
        #expect(throws: TranscriptError.self) { try reader.next() }
        #expect(try reader.next() == nil)
    }

    struct FailingSource: CaptureByteSource {
        var calls = 0
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            calls += 1
            if calls > 1 { throw FixtureMissing(name: "disk gone") }
            let header = UsbmonCaptureWriter().fileHeader()
            buffer.copyBytes(from: header)
            return header.count
        }
    }

    @Test func sourceFailureIsReported() {
        var reader = CaptureReader(FailingSource())
        #expect { try reader.next() } throws: { ($0 as? TranscriptError)?.code == .sourceFailed }
    }

    /// A one-byte-at-a-time source exercises every refill path.
    struct TrickleSource: CaptureByteSource {
        var inner: ArrayByteSource
        mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            inner.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer.prefix(1)))
        }
    }

    @Test func smallReadsAndSmallBufferGiveTheSamePackets() throws {
        let bytes = try Fixture.bytes("emv-reader-usbpcap", "pcapng")
        var reader = CaptureReader(TrickleSource(inner: ArrayByteSource(bytes)), bufferSize: 64)
        var packets: [CapturedPacket] = []
        while let p = try reader.next() { packets.append(p) }
        #expect(packets == (try CaptureReader.readAll(bytes)))
    }
}
