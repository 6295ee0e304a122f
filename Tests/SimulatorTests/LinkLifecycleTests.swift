import CCID
import Simulator
import Testing
import USBLink

@Suite struct LinkLifecycleTests {
    @Test func portResetDeactivatesAndDropsReplies() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        try await reader.insertAndPowerOn(MemoryCard.t1())
        try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus))
        try await reader.reset(deadline: .milliseconds(100))
        await #expect(throws: USBError.timeout("simulated reader sent nothing")) { _ = try await reader.read(timeoutMs: 10) }
        #expect(try await reader.exchange(sequence: 2, .getSlotStatus) == reply(0x81, seq: 2, 0x01, 0x00, 0x00))
    }

    @Test func closeEndsWaitersAndLaterCalls() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        let waiting = Task { try await reader.read(timeoutMs: 5000) }
        try await Task.sleep(for: .milliseconds(20))
        await reader.close()
        await reader.close()
        await #expect(throws: USBError(.closed)) { _ = try await waiting.value }
        await #expect(throws: USBError(.closed)) { try await reader.send(CCIDMessage(sequence: 1, payload: .getSlotStatus)) }
    }

    @Test func wrongEndpointsStall() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        await #expect(throws: USBError.stall("no bulk OUT endpoint 0x01")) {
            try await reader.bulkOut([0x65], endpoint: 0x01, deadline: .milliseconds(10))
        }
        await #expect(throws: USBError.stall("no bulk IN endpoint 0x81")) {
            _ = try await reader.bulkIn(maxLength: 64, endpoint: 0x81, deadline: .milliseconds(10))
        }
    }

    @Test func stringDescriptors() async throws {
        let reader = SimulatedCCIDReader(profile: .cyberJackEcom)
        func string(_ index: UInt16) async throws -> [UInt8] {
            try await reader.control(USBControlSetup(bmRequestType: 0x80, bRequest: 6, wValue: 0x0300 | index,
                                                     wIndex: 0x0409, wLength: 255), data: [], deadline: .milliseconds(10))
        }
        #expect(try await string(0) == bytes("04 03 0904"))
        #expect(try await string(1) == [22, 3] + "REINER SCT".utf8.flatMap { [$0, 0] })
    }

    @Test func pinVerifyOnATPDUT0PINPad() async throws {
        var profile = ReaderProfile.tpduT0Reader
        profile.descriptor.bPINSupport = 0x01
        let reader = SimulatedCCIDReader(profile: profile)
        try await reader.insertAndPowerOn(MemoryCard.t0())
        await reader.press(KeypadKey.digits("1234") + [.ok])
        #expect(try await reader.exchange(sequence: 1, SecurePINTests.asciiVerify()) == reply(0x80, seq: 1, 0, 0, 0, [0x90, 0x00]))
        // No display on this reader: nothing recorded.
        #expect(await reader.display == nil)
    }
}
