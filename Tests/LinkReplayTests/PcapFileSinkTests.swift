import Foundation
import Testing
import Transcript
import USBLink

@Suite struct PcapFileSinkTests {
    /// A recording written to disk reads back as the same packets, and tshark (the real
    /// Wireshark engine) opens it as a Linux USB capture.
    @Test func aRecordedFileReadsBackAndOpensInTshark() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let sink = try PcapFileSink(path: path)
        let memory = MemoryCaptureSink()
        final class Both: CaptureSink {
            let a: any CaptureSink, b: any CaptureSink
            init(_ a: any CaptureSink, _ b: any CaptureSink) { self.a = a; self.b = b }
            func record(_ packet: UsbmonPacket) { a.record(packet); b.record(packet) }
        }
        let link = RecordingLink(wrapping: EchoDevice(), sink: Both(sink, memory))
        try await link.bulkOut(powerOn, endpoint: 0x02, deadline: .milliseconds(100))
        _ = try await link.bulkIn(maxLength: 271, endpoint: 0x82, deadline: .milliseconds(100))
        sink.close()
        #expect(sink.failure == nil)

        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let read = try CaptureReader.readAll(bytes)
        #expect(read.map(\.packet) == memory.packets)

        let tshark = Process()
        tshark.executableURL = URL(fileURLWithPath: "/usr/bin/tshark")
        tshark.arguments = ["-n", "-r", path, "-T", "fields", "-e", "usb.urb_type", "-e", "usb.endpoint_address"]
        let pipe = Pipe()
        tshark.standardOutput = pipe
        tshark.standardError = FileHandle.nullDevice
        try tshark.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tshark.waitUntilExit()
        #expect(tshark.terminationStatus == 0)
        #expect(output.split(separator: "\n").map { $0.replacingOccurrences(of: "'", with: "") }
                == ["S\t0x02", "C\t0x02", "S\t0x82", "C\t0x82"])
    }
}
