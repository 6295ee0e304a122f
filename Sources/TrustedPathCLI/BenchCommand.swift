import APDU
import ArgumentParser
import CCID
import CCIDReader
import Simulator
import LibUSBLink
import TrustedPathCore
import USBLink

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with -c release for meaningful figures).",
        subcommands: [Stack.self, USBReader.self, QuorumBench.self])

    /// APDU round trips to a reader on USB through our host and the real libusb: the figure
    /// `scripts/bench-usb` sets beside pcscd with libccid on the same (simulated) reader.
    struct USBReader: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "usb",
            abstract: "APDU round trips per second to a USB reader's card through our host and libusb.")

        @Option(help: "The reader: VID:PID or bus:address.") var reader: String
        @Option(parsing: .unconditional, help: "APDUs to send, 1 to 10,000,000.", transform: CountOption.within(1...10_000_000))
        var apdus = 10_000
        @Option(help: "The APDU, in hex (READ BINARY of 16 bytes by default).") var apdu = "00B0000010"

        func validate() throws {
            guard LibUSBDeviceSelector(parsing: reader) != nil else {
                throw ValidationError("--reader: give VID:PID (0c4b:0504) or bus:address (1:2)")
            }
            guard let bytes = Hex.decode(apdu), (try? CommandAPDU(parsing: bytes)) != nil else {
                throw ValidationError("--apdu: not a command APDU in hex, e.g. 00B0000010")
            }
        }

        func run() async throws {
            let command = try CommandAPDU(parsing: Hex.decode(apdu)!)
            let opened: Result<LibUSBLink, USBError>
            do { opened = .success(try await LibUSBLink.open(reader)) } catch { opened = .failure(error) }
            if case .failure(let error) = opened, error.code == .noDevice {
                throw CLIError("no reader \(reader) is attached: plug it in, or check the name with `trustedpath devices`")
            }
            let link = try opened.get()
            let ccid = try CCIDReader(link: link)
            let channel = try await ccid.connect().channel
            for _ in 0..<100 { _ = try await channel.transmit(command) }   // warm up
            let start = ContinuousClock.now
            for _ in 0..<apdus { _ = try await channel.transmit(command) }
            let elapsed = seconds(ContinuousClock.now - start)
            print("our host + libusb: \(apdus) APDUs in \(format(elapsed)) s: "
                + "\(format(Double(apdus) / elapsed)) APDU/s, \(micro(elapsed / Double(apdus))) per APDU")
            await link.close()
        }
    }

    /// APDU round trips through the whole in-process stack, and the host side's own share.
    struct Stack: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "APDU round trips per second through APDU, T=1, CCID, link, simulated reader and card.",
            discussion: """
                The host-side cost per APDU is the whole round trip less the simulated device's \
                own time, measured by replaying the same CCID messages to the simulator alone.
                """)

        // Six measurements of this many round trips, a few µs each: the bound keeps a run
        // within minutes.
        @Option(parsing: .unconditional, help: "APDUs per measurement, 1 to 10,000,000.",
                transform: CountOption.within(1...10_000_000))
        var apdus = 200_000

        func run() async throws {
            let apdu = try CommandAPDU(parsing: [0x00, 0xB0, 0x00, 0x00, 0x10])
            print("APDU: READ BINARY 16 bytes, \(apdus) round trips per profile")
            for (name, profile) in [("short APDU (cyberJack e-com)", ReaderProfile.cyberJackEcom),
                                    ("TPDU, T=1 card (GemPC Twin)", ReaderProfile.tpduT1Reader),
                                    ("extended APDU (CLOUD 2700 R)", ReaderProfile.extendedAPDUReader)] {
                let whole = try await measureStack(profile, apdu)
                let device = try await measureDeviceAlone(profile, apdu)
                let host = max(0, whole - device)
                print("\(name): \(format(1 / whole)) APDU/s, \(micro(whole)) per APDU in all, "
                    + "\(micro(device)) of it the simulated reader and card, host side \(micro(host))")
            }
        }

        /// The whole stack, as the ceremony uses it: a CardChannel from CCIDReader.connect.
        private func measureStack(_ profile: ReaderProfile, _ apdu: CommandAPDU) async throws -> Double {
            let simulated = SimulatedCCIDReader(profile: profile)
            await simulated.insert(card: MemoryCard.t1())
            let reader = try CCIDReader(link: simulated)
            let channel = try await reader.connect().channel
            _ = try await channel.transmit(try CommandAPDU(parsing: [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x2F, 0x00]))
            for _ in 0..<1000 { _ = try await channel.transmit(apdu) }   // warm up
            let start = ContinuousClock.now
            for _ in 0..<apdus { _ = try await channel.transmit(apdu) }
            return seconds(ContinuousClock.now - start) / Double(apdus)
        }

        /// The simulated device alone: the CCID messages one APDU produces, sent straight to it.
        private func measureDeviceAlone(_ profile: ReaderProfile, _ apdu: CommandAPDU) async throws -> Double {
            let recorder = ExchangeRecorder(inner: SimulatedCCIDReader(profile: profile))
            await recorder.simulated.insert(card: MemoryCard.t1())
            let reader = try CCIDReader(link: recorder)
            let channel = try await reader.connect().channel
            _ = try await channel.transmit(try CommandAPDU(parsing: [0x00, 0xA4, 0x02, 0x0C, 0x02, 0x2F, 0x00]))
            await recorder.startRecording()
            _ = try await channel.transmit(apdu)
            let messages = await recorder.recorded
            // For one unchained APDU that is one bulk OUT and IN. Sent again and again, a T=1
            // card takes the repeated I-block for a retransmission and answers it again: the
            // same work, so the same cost.
            let device = recorder.simulated
            let out = device.device.bulkOutEndpoint, inEndpoint = device.device.bulkInEndpoint
            let start = ContinuousClock.now
            for _ in 0..<apdus {
                for message in messages {
                    try await device.bulkOut(message, endpoint: out, deadline: .after(.seconds(5)))
                    _ = try await device.bulkIn(maxLength: 65_546, endpoint: inEndpoint, deadline: .after(.seconds(5)))
                }
            }
            return seconds(ContinuousClock.now - start) / Double(apdus)
        }
    }
}

private func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

private func micro(_ s: Double) -> String { format(s * 1e6) + " µs" }

private func format(_ value: Double) -> String {
    let rounded = (value * 100).rounded() / 100
    return value >= 100 ? String(Int(value.rounded())) : String(rounded)
}

/// Passes transfers through and, once asked, keeps the bulk OUT messages of one exchange.
actor ExchangeRecorder: USBLink {
    let simulated: SimulatedCCIDReader
    nonisolated var device: USBDeviceInfo { simulated.device }
    private(set) var recorded: [[UInt8]] = []
    private var recording = false

    init(inner: SimulatedCCIDReader) { simulated = inner }

    func startRecording() { recording = true }

    func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        if recording { recorded.append(data) }
        try await simulated.bulkOut(data, endpoint: endpoint, deadline: deadline)
    }

    func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await simulated.bulkIn(maxLength: maxLength, endpoint: endpoint, deadline: deadline)
    }

    func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await simulated.interruptIn(maxLength: maxLength, endpoint: endpoint, deadline: deadline)
    }

    func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        try await simulated.control(setup, data: data, deadline: deadline)
    }

    func reset(deadline: Deadline) async throws(USBError) { try await simulated.reset(deadline: deadline) }
    func close() async { await simulated.close() }
}
