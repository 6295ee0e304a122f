import Foundation
import PED
import PEDAuth
import PEDProtocol
import Simulator
import Testing
import TestSupport
import Transcript
import TrustedPathCore
import USBLink

/// A 2 of 3 SO login recorded from the simulated PED (Fixtures/ped/so-login-2of3.pcap) and
/// replayed strictly. The fixture's secret is a test constant, recorded with redaction
/// deliberately off so that the replayed reply carries it; the redactor is tested apart.
/// Regenerate with PED_RECORD_FIXTURES=1 swift test --filter PEDTranscriptTests.
@Suite struct PEDTranscriptTests {
    static let fixture = "ped/so-login-2of3.pcap"
    static let secret = Array("TrustedPath PED fixture secret!!".utf8)

    /// Records the login over `redactor`; keys 1...3 written beforehand, unrecorded.
    static func recordLogin(redactor: (USBDeviceInfo) -> Redactor = { _ in .none }) async throws -> [UsbmonPacket] {
        let bench = PEDBench()
        await bench.ped.addBlankKeys([1, 2, 3])
        await bench.ped.perform([1, 2, 3].flatMap { [.insert($0), .pin(PEDBench.pin(Int($0) - 1)), .pin(PEDBench.pin(Int($0) - 1))] })
        _ = try await bench.driver.writeSecret(role: .hsmSO, policy: try MofN(m: 2, n: 3), options: PEDWriteOptions(),
                                               secret: SecretBytes(secret))
        let sink = MemoryCaptureSink()
        let recording = RecordingLink(wrapping: bench.ped, sink: sink, redactor: redactor(bench.ped.device))
        let driver = PEDDriver(link: recording, hsmFirmware: FirmwareVersion(7, 8, 0), timeouts: PEDBench.quick)
        await bench.ped.perform([.insert(3), .pin(PEDBench.pin(2)), .insert(3), .insert(1), .pin(PEDBench.pin(0))])
        let login = try await RoleAuthenticator(driver: driver).login(role: .hsmSO, policy: try MofN(m: 2, n: 3),
                                                                     verify: { $0.constantTimeEquals(SecretBytes(secret)) })
        #expect(login.keys == [PEDKeyID(3), PEDKeyID(1)] && login.duplicatesIgnored == 1)
        return sink.packets
    }

    @Test func theFixtureIsTheLoginRecordedNow() async throws {
        let packets = try await Self.recordLogin()
        if ProcessInfo.processInfo.environment["PED_RECORD_FIXTURES"] == "1" {
            try FileManager.default.createDirectory(at: Fixture.url("ped"), withIntermediateDirectories: true)
            try Data(UsbmonCaptureWriter().capture(packets)).write(to: Fixture.url(Self.fixture))
        }
        let stored = try CaptureReader.readAll(try Fixture.bytes(Self.fixture)).map(\.packet)
        #expect(stored.map(\.data) == packets.map(\.data))
        #expect(stored.map(\.endpoint) == packets.map(\.endpoint))
    }

    @Test func theRecordedLoginReplays() async throws {
        let packets = try CaptureReader.readAll(try Fixture.bytes(Self.fixture))
        let replay = ReplayLink(packets: packets.map(\.packet), frames: packets.map(\.frame), device: SimulatedPED().device)
        let driver = PEDDriver(link: replay, hsmFirmware: FirmwareVersion(7, 8, 0), timeouts: PEDBench.quick)
        let login = try await RoleAuthenticator(driver: driver).login(
            role: .hsmSO, policy: try MofN(m: 2, n: 3), verify: { $0.constantTimeEquals(SecretBytes(Self.secret)) })
        #expect(login.keys == [PEDKeyID(3), PEDKeyID(1)])
        try await replay.expectFinished()
        let identity = try #require(await driver.identity)
        #expect(identity.firmware == FirmwareVersion(2, 9, 0))
    }

    @Test func anHSMOnOtherFirmwareDivergesFromTheRecording() async throws {
        let packets = try CaptureReader.readAll(try Fixture.bytes(Self.fixture))
        let replay = ReplayLink(packets: packets.map(\.packet), device: SimulatedPED().device)
        let driver = PEDDriver(link: replay, hsmFirmware: FirmwareVersion(7, 7, 0), timeouts: PEDBench.quick)
        do {
            try await driver.connect()
            Issue.record("replayed a hello the recording does not hold")
        } catch {
            #expect(error.code == .link && error.description.contains("differs"))
        }
    }

    @Test func theRedactorKeepsSecretsOutOfCaptures() async throws {
        func holdsSecret(_ packets: [UsbmonPacket]) -> Bool {
            packets.contains { packet in
                packet.data.count >= Self.secret.count
                    && (0...(packet.data.count - Self.secret.count)).contains { Array(packet.data[$0..<$0 + Self.secret.count]) == Self.secret }
            }
        }
        #expect(holdsSecret(try await Self.recordLogin()))
        let redacted = try await Self.recordLogin(redactor: PEDRedaction.redactor(for:))
        #expect(!holdsSecret(redacted))
        #expect(redacted.count == (try await Self.recordLogin()).count)
    }

    @Test func theRedactorBlanksAWriteAndASecretSplitOverTransfers() {
        let device = SimulatedPED().device
        let redactor = PEDRedaction.redactor(for: device)
        let write = PEDRequest.writeSecret(role: .auditor, policy: .single, options: PEDWriteOptions(), keyTimeout: 200,
                                           secret: SecretBytes(Self.secret)).frame(sequence: 4).encoded()
        let redacted = redactor.apply(endpoint: device.bulkOutEndpoint, write)
        #expect(redacted.count == write.count)
        #expect(Array(redacted[16..<48]) == Array(repeating: Redactor.filler, count: 32))
        #expect(Array(redacted[0..<16]) == Array(write[0..<16]))
        let read = PEDReply.readSecret(secret: SecretBytes(Self.secret), keys: [PEDKeyID(1)], duplicatesIgnored: 0)
            .frame(sequence: 5).encoded()
        let first = redactor.apply(endpoint: device.bulkInEndpoint, Array(read[0..<20]))
        let second = redactor.apply(endpoint: device.bulkInEndpoint, Array(read[20...]))
        #expect(Array(first[10...]) + Array(second[0..<22]) == Array(repeating: Redactor.filler, count: 32))
        #expect(Array(second[22...]) == Array(read[42...]))
    }
}
