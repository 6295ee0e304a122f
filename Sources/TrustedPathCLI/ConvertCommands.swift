import ArgumentParser
import Transcript

extension TranscriptCommand {
    /// Capture to text: one usbmon event a line, for review and diffs.
    struct Text: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a capture in the text form, one usbmon event a line.")

        @Argument(help: "A capture file (usbmon pcap or pcapng, or USBPcap).")
        var file: String

        func run() throws {
            let source = try FileByteSource(path: file)
            defer { source.close() }
            var reader = CaptureReader(source)
            var out = OutputBuffer()
            do {
                while let captured = try reader.next() { out.append(TranscriptText.line(for: captured.packet)) }
            } catch {
                out.flush()
                throw CLIError("\(file): \(error)")
            }
            out.flush()
        }
    }

    /// Text back to a capture that Wireshark opens and umockdev replays.
    struct Pcap: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a usbmon pcap (link type 220) from the text form.")

        @Argument(help: "The text form: a file, or - for standard input.")
        var text: String

        @Argument(help: "The pcap file to write.")
        var output: String

        @Flag(help: "Write link type 189 (48-byte headers) instead of 220.")
        var legacyHeader = false

        func run() throws {
            let file = try OutputFile(path: output)
            let contents = String(decoding: try readWholeFile(text), as: UTF8.self)
            let packets: [UsbmonPacket]
            do { packets = try TranscriptText.parse(contents) } catch { throw CLIError("\(text == "-" ? "standard input" : text): \(error)") }
            let writer = UsbmonCaptureWriter(linkType: legacyHeader ? .usbLinux : .usbLinuxMmapped)
            try file.write(writer.capture(packets))
            try file.commit()
        }
    }
}
