import Power
import Testing

@Suite struct RecoveryLadderTests {
    actor ScriptedRecovery: DeviceRecovery {
        var impossible: Set<RecoveryStep>
        var taken: [RecoveryStep] = []
        init(impossible: Set<RecoveryStep>) { self.impossible = impossible }
        func perform(_ step: RecoveryStep) async throws(RecoveryError) {
            if impossible.contains(step) { throw RecoveryError(.notPossible, step: step, "scripted") }
            taken.append(step)
        }
    }

    @Test func stopsAtTheFirstStepAfterWhichTheDeviceAnswers() async {
        let recovery = ScriptedRecovery(impossible: [.reauthorize])
        let outcome = await RecoveryLadder().run(recovery) { await recovery.taken.last == .portPowerCycle }
        #expect(outcome == .recovered(by: .portPowerCycle, attempts: [
            RecoveryAttempt(step: .usbReset, result: .noAnswer),
            RecoveryAttempt(step: .reauthorize, result: .notPossible("scripted")),
            RecoveryAttempt(step: .portPowerCycle, result: .answered),
        ]))
        #expect(await recovery.taken == [.usbReset, .portPowerCycle])
    }

    @Test func asksForAReplugWhenNothingWorked() async {
        let recovery = ScriptedRecovery(impossible: [.portPowerCycle])
        let outcome = await RecoveryLadder().run(recovery) { false }
        guard case .replugRequired(let attempts) = outcome else { Issue.record("\(outcome)"); return }
        #expect(attempts.map(\.step) == RecoveryStep.allCases)
    }
}

extension RecoveryLadderTests {
    @Test func aFailedStepIsRecordedAndTheLadderMovesOn() async {
        struct Failing: DeviceRecovery {
            func perform(_ step: RecoveryStep) async throws(RecoveryError) {
                if step == .usbReset { throw RecoveryError(.failed, step: step, "EIO") }
            }
        }
        let outcome = await RecoveryLadder().run(Failing()) { true }
        #expect(outcome == .recovered(by: .reauthorize, attempts: [
            RecoveryAttempt(step: .usbReset, result: .failed("EIO")),
            RecoveryAttempt(step: .reauthorize, result: .answered),
        ]))
    }

    @Test func onlyTheChosenStepsAreTaken() async {
        let recovery = ScriptedRecovery(impossible: [])
        let outcome = await RecoveryLadder(steps: [.portPowerCycle]).run(recovery) { false }
        #expect(outcome == .replugRequired(attempts: [RecoveryAttempt(step: .portPowerCycle, result: .noAnswer)]))
        #expect(await recovery.taken == [.portPowerCycle])
    }
}
