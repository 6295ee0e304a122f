import PED
import PEDProtocol
import Power
import Simulator
import Testing
import USBLink

/// The daemon's check of a PED it sees appear: a keep-alive, then the ladder when silent.
@Suite struct PEDHealthCheckTests {
    static let quick = PEDBench.quick

    @Test func anAnsweringPEDIsHealthy() async {
        let ped = SimulatedPED(firmware: FirmwareVersion(2, 9, 0))
        #expect(await PEDHealthCheck(timeouts: Self.quick).answers(ped))
    }

    @Test func aHungPEDIsSilentThenComesBackByPortPower() async throws {
        let ped = SimulatedPED(firmware: FirmwareVersion(2, 9, 0))
        await ped.hsmDidReset()   // hung, as after an HSM reset: keep-alives go unanswered too
        let check = PEDHealthCheck(timeouts: Self.quick)
        #expect(await check.answers(ped) == false)
        let outcome = await check.recover(SimulatedPEDRecovery(ped: ped)) { try await ped.reopen(); return ped }
        guard case .recovered(let step, let attempts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(step == .portPowerCycle)
        #expect(attempts.map(\.result) == [.noAnswer, .noAnswer, .answered])
        #expect(await ped.recoverySteps == [.usbReset, .reauthorize, .portPowerCycle])
        try await ped.reopen()   // the check closed what it opened
        #expect(await check.answers(ped))
    }

    @Test func anExternallyPoweredHungPEDNeedsAReplug() async {
        let ped = SimulatedPED(firmware: FirmwareVersion(2, 7, 4), power: .external)
        await ped.hsmDidReset()   // hung, as after an HSM reset: keep-alives go unanswered too
        let check = PEDHealthCheck(timeouts: Self.quick)
        #expect(await check.answers(ped) == false)
        let outcome = await check.recover(SimulatedPEDRecovery(ped: ped)) { try await ped.reopen(); return ped }
        guard case .replugRequired(let attempts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(attempts.last?.step == .portPowerCycle)
        let advice = outcome.replugAdvice(device: "PED 1-2", externallyPowered: true)?.description ?? ""
        #expect(advice.contains("Unplug its USB cable and its power supply"), "\(advice)")
    }
}
