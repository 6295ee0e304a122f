import ArgumentParser
import CaptureDecoder
import CCID
import TrustedPathCore
import Transcript

struct TranscriptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transcript",
        abstract: "Read, convert and decode USB captures (usbmon pcap/pcapng, USBPcap).",
        subcommands: [Decode.self, Text.self, Pcap.self, Synthesize.self])

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decode a capture's CCID conversation: messages, APDUs and status words.",
            discussion: """
                Reassembles CCID messages a reader split across several bulk transfers. With \
                --json, prints one object per CCID message, one per line. A damaged capture \
                is decoded up to the damage, then the error names its byte offset and frame \
                (with --json also as a last line {"error": "..."}); the exit status is then 1.
                """)

        @Argument(help: "A capture file: usbmon pcap (link type 189 or 220), pcapng, or USBPcap.")
        var file: String

        @Flag(help: "One JSON object per CCID message, one per line.")
        var json = false

        func run() throws {
            let source: FileByteSource
            do { source = try FileByteSource(path: file) } catch {
                if json { print(JSONValue.error(error.description).rendered) }
                throw error
            }
            defer { source.close() }
            var reader = CaptureReader(source)
            var decoder = CaptureCCIDDecoder(reportOtherTransfers: !json)
            var out = OutputBuffer()
            var writer = JSONLineWriter()
            let json = self.json
            func emit(_ event: CaptureCCIDDecoder.Event) {
                switch event {
                case .message(let record):
                    if json {
                        writer.write(record)
                        if writer.output.count >= 1 << 16 {
                            writer.output.withBytes(writeStandardOutput)
                            writer.reset()
                        }
                    } else {
                        out.append(RecordText.line(for: record))
                    }
                case .transfer(let frame, let packet):
                    out.append("#\(frame)  " + TransferText.line(for: packet))
                }
            }
            var failure: TranscriptError?
            do {
                while try reader.nextEvent({ frame, event in decoder.feed(frame: frame, event, emit: emit) }) {}
            } catch {
                failure = error
            }
            decoder.finish(emit: emit)
            out.flush()
            writer.output.withBytes(writeStandardOutput)
            guard let failure else { return }
            // With --json the damage is the stream's last line, after the messages read
            // before it, so a program reading stdout alone sees it; stderr says it too.
            if json { print(JSONValue.error(failure.description).rendered) }
            throw CLIError("\(file): \(failure)")
        }
    }
}

/// A transfer outside the CCID conversation, in one line.
enum TransferText {
    static func line(for packet: UsbmonPacket) -> String {
        let kind: String
        switch packet.transferType {
        case .control: kind = "control"
        case .bulk: kind = "bulk"
        case .interrupt: kind = "interrupt"
        case .isochronous: kind = "iso"
        }
        var text = "\(packet.isIn ? "in " : "out")  \(kind) \(String(UnicodeScalar(packet.event.rawValue))) "
            + "\(packet.bus):\(packet.device) ep 0x" + Hex.encode([packet.endpoint])
        if let setup = packet.setup { text += "  setup " + Hex.encode(setup, separator: " ") }
        if packet.event != .submission, packet.status != 0 { text += "  status \(packet.status)" }
        if !packet.data.isEmpty { text += "  " + Hex.encode(packet.data.prefix(32), separator: " ")
            + (packet.data.count > 32 ? " ...(\(packet.data.count) bytes)" : "") }
        return text
    }
}
