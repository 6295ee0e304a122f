import Power
import Testing

@Suite struct ReplugAdviceTests {
    static let tried = [
        RecoveryAttempt(step: .usbReset, result: .noAnswer),
        RecoveryAttempt(step: .reauthorize, result: .failed("1-2 did not come back within 10 seconds")),
    ]

    @Test func busPoweredDeviceIsReplugged() {
        let advice = ReplugAdvice(device: "the PED (1-2, 0c4b:0400)",
                                  attempts: Self.tried + [RecoveryAttempt(step: .portPowerCycle, result: .noAnswer)])
        #expect(!advice.externallyPowered)
        #expect(advice.description == """
            the PED (1-2, 0c4b:0400) does not answer and could not be brought back without you.
            Tried:
              - usb-reset: done, no answer
              - reauthorize: failed (1-2 did not come back within 10 seconds)
              - port-power-cycle: done, no answer
            Unplug its USB cable, wait 5 seconds, and plug it back in.
            """)
    }

    @Test func externallyPoweredIsReadFromThePortPowerAttempt() {
        let refused = RecoveryError.externallyPowered("1-2")
        let outcome = RecoveryOutcome.replugRequired(attempts: Self.tried + [
            RecoveryAttempt(step: .portPowerCycle, result: .notPossible(refused.message)),
        ])
        let advice = outcome.replugAdvice(device: "the PED (1-2)")
        #expect(advice?.externallyPowered == true)
        let text = advice?.description ?? ""
        #expect(text.contains("port-power-cycle: not possible (externally powered: switching the port's power "
                              + "does not reset 1-2; unplug its power supply)"))
        #expect(text.contains("switching its USB port off does not reset it"))
        #expect(text.hasSuffix("Unplug its USB cable and its power supply, wait 5 seconds, plug the power supply "
                               + "back in, then the USB cable."))
    }

    @Test func theDriverCanSayItIsExternallyPowered() {
        // A PED on firmware 2.7.x: the driver knows, whatever bmAttributes says.
        let advice = ReplugAdvice(device: "the PED", attempts: Self.tried, externallyPowered: true)
        #expect(advice.description.contains("its power supply"))
    }

    @Test func otherRefusalsOfThePortAreNotExternalPower() {
        let advice = ReplugAdvice(device: "d", attempts: [
            RecoveryAttempt(step: .portPowerCycle, result: .notPossible("hub usb1 has ganged power switching")),
            RecoveryAttempt(step: .usbReset, result: .notPossible(RecoveryError.externallyPoweredReason)),
        ])
        #expect(!advice.externallyPowered)
    }

    @Test func recoveredNeedsNoAdvice() {
        let outcome = RecoveryOutcome.recovered(by: .usbReset, attempts: [RecoveryAttempt(step: .usbReset, result: .answered)])
        #expect(outcome.replugAdvice(device: "d") == nil)
    }
}
