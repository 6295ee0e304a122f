import Foundation
import Testing
import UmockdevSupport

extension HotplugSystemTests.Daemon {
    /// `--reader-checks`: each reader that appears gets one PC_to_RDR_GetSlotStatus through
    /// the real libusb (replayed by umockdev on the cyberJack e-com's bulk pipes 0x02/0x82).
    @Suite("reader checks") struct ReaderChecks {
        static let getSlotStatus: [UInt8] = [0x65, 0, 0, 0, 0, 0x00, 0x00, 0, 0, 0]
        /// RDR_to_PC_SlotStatus, bSeq 0: no card.
        static let slotStatus: [UInt8] = [0x81, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00, 0x00]
        /// dwMaxCCIDMessageLength of the fixture's class descriptor (0x3F6): a session's read size.
        static let readLength = 1014

        /// The e-com, whose bulk pipes replay `answers` (each the reply to one probe, or nil
        /// for silence), and after them `interrupts` on its interrupt pipe.
        static func testbed(answers: [[UInt8]?], interrupts: [[UInt8]] = []) throws -> Testbed {
            let testbed = Testbed()
            try testbed.addFixture("cyberjack-ecom")
            var capture = UsbmonCapture()
            for answer in answers {
                capture.bulkOut(0x02, getSlotStatus)
                if let answer {
                    capture.bulkIn(0x82, length: readLength, reply: answer)
                } else {
                    capture.submit(.bulk, 0x82, length: UInt32(readLength))
                }
            }
            for message in interrupts { capture.interruptIn(0x81, length: 4, reply: message) }
            if !interrupts.isEmpty { capture.interruptIn(0x81, length: 4, reply: nil) }
            try testbed.loadPcap(FixtureDevice.ecomSysPath, capture)
            return testbed
        }

        @Test func aReaderThatAnswersIsOnlyAdded() async throws {
            let testbed = try Self.testbed(answers: [Self.slotStatus])
            let daemon = try DaemonProcess(["--json", "--no-socket", "--reader-checks"])
            #expect(await daemon.waitForLog("reader answers"), "\(daemon.log)")
            let lines = daemon.lines
            #expect(await daemon.terminate() == 0, "\(daemon.log)")
            #expect(DaemonEvents.kinds(lines) == ["reader-added"])
            withExtendedLifetime(testbed) {}
        }

        /// The probe goes unanswered; a USB reset brings the reader back, which the daemon
        /// reports with the step.
        @Test func aSilentReaderIsReportedAndRecovered() async throws {
            let testbed = try Self.testbed(answers: [nil, Self.slotStatus])
            let daemon = try DaemonProcess(["--json", "--no-socket", "--reader-checks"])
            let lines = await daemon.waitForLines(3, timeout: .seconds(20))
            #expect(await daemon.terminate() == 0, "\(daemon.log)")
            #expect(DaemonEvents.kinds(lines) == ["reader-added", "reader-unresponsive", "reader-recovered"], "\(daemon.log)")
            #expect(DaemonEvents.objects(lines).last?["recovery"] as? String == "usb-reset", "\(lines)")
            withExtendedLifetime(testbed) {}
        }

        /// With card events as well, watching starts once the reader has answered: the probe
        /// and the watch never claim the reader at once.
        @Test func cardEventsStartAfterTheReaderAnswered() async throws {
            let testbed = try Self.testbed(answers: [Self.slotStatus], interrupts: [[0x50, 0x03]])
            let daemon = try DaemonProcess(["--json", "--no-socket", "--reader-checks", "--card-events"])
            let lines = await daemon.waitForLines(2)
            #expect(await daemon.terminate() == 0, "\(daemon.log)")
            #expect(DaemonEvents.kinds(lines) == ["reader-added", "card-inserted"], "\(daemon.log)")
            let log = daemon.log
            if let answered = log.range(of: "reader answers"), let watching = log.range(of: "watching cards") {
                #expect(answered.lowerBound < watching.lowerBound)
            } else {
                Issue.record("expected both log lines: \(log)")
            }
            withExtendedLifetime(testbed) {}
        }
    }
}

