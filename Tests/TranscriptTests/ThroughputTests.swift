import Foundation
import Testing
import Transcript

/// Off by default (a debug build says nothing about speed). Run with
/// TRANSCRIPT_BENCH=1 swift test -c release --filter ThroughputTests
@Suite struct ThroughputTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["TRANSCRIPT_BENCH"] != nil))
    func readsAMillionBulkPackets() throws {
        let count = 1_000_000
        let writer = UsbmonCaptureWriter()
        var bytes = writer.fileHeader()
        bytes.reserveCapacity(count * 110)
        for i in 0..<count {
            let submit = i % 2 == 0
            writer.append(UsbmonPacket(urbID: UInt64(i / 2), event: submit ? .submission : .completion,
                                       transferType: .bulk, endpoint: submit ? 0x02 : 0x83, device: 5, bus: 1,
                                       status: submit ? -115 : 0, length: 30,
                                       data: [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 30)),
                          to: &bytes)
        }
        var reader = CaptureReader(ArrayByteSource(bytes))
        var n = 0
        let elapsed = try ContinuousClock().measure {
            while let packet = try reader.next() { n &+= packet.packet.data.count > 0 ? 1 : 0 }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("read \(count) packets (\(bytes.count) bytes) in \(seconds) s: \(Int(Double(count) / seconds)) packets/s")
        #expect(n == count)
    }
}
