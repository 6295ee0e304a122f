import APDU
import CCID
@testable import CCIDReader
import Testing
import USBLink

/// A reader that answers every XfrBlock at once with 90 00: what is left is host-side cost.
actor EchoLink: USBLink {
    nonisolated let device = USBDeviceInfo(busNumber: 1, deviceAddress: 5, vendorID: 0x1234, productID: 0x5678,
                                           bulkOutEndpoint: 0x02, bulkInEndpoint: 0x82, interruptInEndpoint: nil)
    private var pending: [UInt8] = []

    func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        pending = [0x80, 2, 0, 0, 0, data[5], data[6], 0, 0, 0, 0x90, 0x00]
    }
    func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] { pending }
    func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        throw USBError.noDevice()
    }
    func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] { [] }
    func reset(deadline: Deadline) async throws(USBError) {}
    func close() async {}
}

@Suite struct HostCostTests {
    /// A regression guard, not the benchmark: generous enough for a debug build on a busy
    /// machine, tight enough to catch a sleep or a quadratic step on the success path.
    @Test func anAPDURoundTripCostsMicroseconds() async throws {
        let reader = try CCIDReader(link: EchoLink(), descriptor: descriptor(features: 0x0004_00FE))
        let channel = ISO7816Channel(CCIDAPDUChannel(reader: reader, slot: 0, extended: true),
                                     options: .init(supportsExtendedLength: true))
        let command = try CommandAPDU(cla: 0x00, ins: 0xB0, p1: 0, p2: 0, ne: 256)
        let rounds = 2000
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for _ in 0..<rounds {
                let response = try await channel.transmit(command)
                precondition(response.statusWord == .success)
            }
        }
        let perAPDU = elapsed / rounds
        print("host-side cost per APDU (APDU level, echo link): \(perAPDU)")
        #expect(perAPDU < .milliseconds(1))
    }
}
