import Power

/// The simulated PED's side of recovery: what each step of the ladder does to it. A USB reset
/// and re-authorizing re-enumerate it but do not restart hung firmware; cutting the port's
/// power restarts a USB-powered PED, and does nothing to an externally powered one (2.7.x).
public struct SimulatedPEDRecovery: DeviceRecovery {
    public let ped: SimulatedPED

    public init(ped: SimulatedPED) { self.ped = ped }

    public func perform(_ step: RecoveryStep) async throws(RecoveryError) {
        if await ped.isGone {
            throw RecoveryError(.notPossible, step: step, "the PED is not on the bus")
        }
        await ped.recorded(step)
        switch step {
        case .usbReset, .reauthorize: return
        case .portPowerCycle:
            guard ped.power == .usbBus else {
                throw RecoveryError(.notPossible, step: step,
                                    "the PED (firmware \(ped.firmware)) is externally powered: port power does not reach it")
            }
            await ped.reboot()
        }
    }
}

extension SimulatedPED {
    func recorded(_ step: RecoveryStep) { recoverySteps.append(step) }
}
