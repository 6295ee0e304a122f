import Testing
import TestSupport
import Transcript
import USBLink

/// The real EMV reader capture, played back through ReplayLink by a host that repeats what
/// the original host did.
@Suite struct RealCaptureReplayTests {
    let captured = try! CaptureReader.readAll(Fixture.bytes("captures/emv-reader-usbmon.pcap"))

    private var link: ReplayLink {
        ReplayLink(packets: captured.map(\.packet), frames: captured.map(\.frame))
    }

    /// The bulk submissions of the capture, in order: what the original host did.
    private var hostActions: [(frame: Int, packet: UsbmonPacket)] {
        captured.filter { $0.packet.transferType == .bulk && $0.packet.event == .submission }
            .map { ($0.frame, $0.packet) }
    }

    @Test func theWholeConversationReplays() async throws {
        let link = self.link
        var replyBytes = 0, emptyReplies = 0
        for (frame, packet) in hostActions {
            if packet.isIn {
                do {
                    let reply = try await link.bulkIn(maxLength: Int(packet.length), endpoint: packet.endpoint,
                                                      deadline: .milliseconds(300))
                    replyBytes += reply.count
                    if reply.isEmpty { emptyReplies += 1 }
                } catch {
                    // The capture ends with a read the device never answered.
                    #expect(frame == 901 && error.code == .timeout, "frame \(frame): \(error)")
                }
            } else {
                try await link.bulkOut(packet.data, endpoint: packet.endpoint, deadline: .milliseconds(300))
            }
        }
        try await link.expectFinished()
        let recorded = captured.filter { $0.packet.transferType == .bulk && $0.packet.isIn && $0.packet.event != .submission }
        #expect(replyBytes == recorded.reduce(0) { $0 + $1.packet.data.count })
        #expect(emptyReplies == recorded.filter { $0.packet.data.isEmpty }.count)
    }

    @Test func aTamperedCommandFailsAtItsFrame() async throws {
        let link = self.link
        for (frame, packet) in hostActions {
            if packet.isIn {
                _ = try await link.bulkIn(maxLength: Int(packet.length), endpoint: packet.endpoint, deadline: .milliseconds(500))
                continue
            }
            var data = packet.data
            if frame == 25 { data[data.count - 2] ^= 0x01 }   // SELECT 1PAY.SYS.DDF01 with one bit flipped
            do {
                try await link.bulkOut(data, endpoint: packet.endpoint, deadline: .milliseconds(500))
                #expect(frame != 25, "the tampered OUT at frame 25 was accepted")
            } catch {
                #expect(error.code == .replayMismatch)
                #expect(error.description.contains("frame 25"))
                #expect(error.description.contains("first difference at byte 28"))
                return
            }
        }
        Issue.record("no mismatch reported")
    }
}
