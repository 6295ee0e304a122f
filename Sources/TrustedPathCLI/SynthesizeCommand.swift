import ArgumentParser
import Transcript

extension TranscriptCommand {
    /// Writes a large, realistic CCID capture for benchmarks: XfrBlock/DataBlock exchanges
    /// (READ BINARY and its answer), every fifth reply split over two transfers as real
    /// readers do, on bus 1 device 2.
    struct Synthesize: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic usbmon capture of N CCID messages (for benchmarks).",
            discussion: """
                The capture is streamed to disk (about 205 bytes a message, so 100,000,000 \
                messages make some 20 GB) under a temporary name beside FILE, renamed to FILE \
                when complete: a failed run leaves no partial file.
                """)

        @Option(parsing: .unconditional,
                help: "How many CCID messages, commands plus replies: an even number from 2 to 100,000,000 (each exchange is a command and its reply).",
                transform: CountOption.within(2...100_000_000))
        var messages = 500_000

        @Argument(help: "The pcap file to write.")
        var output: String

        func validate() throws {
            guard messages.isMultiple(of: 2) else {
                throw ValidationError("--messages \(messages) is odd: each exchange is a command and its reply, so give an even number (\(messages - 1) or \(messages + 1))")
            }
        }

        func run() throws {
            let file = try OutputFile(path: output)
            let writer = UsbmonCaptureWriter()
            try file.write(writer.fileHeader())
            var urb: UInt64 = 0xFFFF_8880_1000_0000
            let exchanges = messages / 2
            for i in 0..<exchanges {
                let seq = UInt8(truncatingIfNeeded: i)
                let time = (seconds: Int64(1_700_000_000 + i / 1000), micro: Int32(i % 1000) * 1000)
                let command: [UInt8] = [0x6F, 5, 0, 0, 0, 0, seq, 0, 0, 0, 0x00, 0xB0, UInt8(truncatingIfNeeded: i >> 8),
                                        UInt8(truncatingIfNeeded: i), 0x20]
                var reply: [UInt8] = [0x80, 34, 0, 0, 0, 0, seq, 0, 0, 0]
                reply += (0..<32).map { UInt8(truncatingIfNeeded: $0 &+ i) } + [0x90, 0x00]
                func add(_ event: UsbmonPacket.Event, _ endpoint: UInt8, _ length: Int, _ data: [UInt8],
                         _ status: Int32) throws(CLIError) {
                    let packet = UsbmonPacket(urbID: urb, event: event, transferType: .bulk, endpoint: endpoint,
                                              device: 2, bus: 1, seconds: time.seconds, microseconds: time.micro,
                                              status: status, length: UInt32(length), data: data)
                    try file.append { writer.append(packet, to: &$0) }
                }
                urb &+= 0x100
                try add(.submission, 0x02, command.count, command, -115)
                try add(.completion, 0x02, command.count, [], 0)
                let parts = i % 5 == 0 ? [Array(reply[..<32]), Array(reply[32...])] : [reply]
                for part in parts {
                    urb &+= 0x100
                    try add(.submission, 0x82, 65546, [], -115)
                    try add(.completion, 0x82, part.count, part, 0)
                }
            }
            try file.commit()
            print("wrote \(messages) CCID messages (\(exchanges) command and reply exchange\(exchanges == 1 ? "" : "s")) to \(output)")
        }
    }
}
