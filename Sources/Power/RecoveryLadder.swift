import USBLink

/// One way to bring back a USB device that stopped answering, mildest first.
public enum RecoveryStep: String, Sendable, CaseIterable {
    /// USBDEVFS_RESET: the device re-enumerates on the same port, keeping its address.
    case usbReset = "usb-reset"
    /// The device's sysfs `authorized` attribute set to 0, then 1: the kernel unbinds it
    /// and enumerates it afresh.
    case reauthorize
    /// The port's power switched off and on (the port's sysfs `disable` attribute, or the
    /// hub class request CLEAR/SET_FEATURE(PORT_POWER) on hubs with per-port switching).
    /// The only step that resets a bus-powered device's firmware.
    case portPowerCycle = "port-power-cycle"
}

/// Why a recovery step could not be taken or did not finish.
public struct RecoveryError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// This machine or device cannot take the step (no such sysfs attribute, no per-port
        /// power switching, not permitted, externally powered device).
        case notPossible = "not possible"
        /// The step was tried and the system refused or failed it.
        case failed
    }

    public var code: Code
    public var step: RecoveryStep
    /// What went wrong and what the user can do; never device secrets.
    public var message: String

    public init(_ code: Code, step: RecoveryStep, _ message: String) {
        self.code = code
        self.step = step
        self.message = message
    }

    public var description: String { "\(step.rawValue) \(code.rawValue): \(message)" }
}

/// The system side of recovery for one device: performs a step and returns once the
/// device has been handed back to the kernel (not necessarily answering yet).
public protocol DeviceRecovery: Sendable {
    func perform(_ step: RecoveryStep) async throws(RecoveryError)
}

/// What one step of a recovery did.
public struct RecoveryAttempt: Sendable, Equatable, CustomStringConvertible {
    public enum Result: Sendable, Equatable {
        case notPossible(String)
        case failed(String)
        /// Taken, but the device still did not answer.
        case noAnswer
        case answered
    }

    public var step: RecoveryStep
    public var result: Result

    public init(step: RecoveryStep, result: Result) {
        self.step = step
        self.result = result
    }

    public var description: String {
        switch result {
        case .notPossible(let why): "\(step.rawValue): not possible (\(why))"
        case .failed(let why): "\(step.rawValue): failed (\(why))"
        case .noAnswer: "\(step.rawValue): done, no answer"
        case .answered: "\(step.rawValue): answered"
        }
    }
}

/// How a recovery ended.
public enum RecoveryOutcome: Sendable, Equatable {
    case recovered(by: RecoveryStep, attempts: [RecoveryAttempt])
    /// Every step was tried or impossible: a person has to unplug and replug the device.
    case replugRequired(attempts: [RecoveryAttempt])

    public var attempts: [RecoveryAttempt] {
        switch self {
        case .recovered(_, let attempts), .replugRequired(let attempts): attempts
        }
    }
}

/// Escalates through recovery steps until the device answers again.
///
/// Why a ladder: a USB reset is cheap and keeps the device's address, but does not reset
/// a PED whose firmware has hung; re-authorizing re-enumerates it; only cutting the port's
/// power restarts a bus-powered device. Each step is followed by `probe` (reopen the link
/// and send a keep-alive), so the first step that works is the last one taken.
public struct RecoveryLadder: Sendable {
    public var steps: [RecoveryStep]

    public init(steps: [RecoveryStep] = RecoveryStep.allCases) {
        self.steps = steps
    }

    public func run(_ recovery: some DeviceRecovery,
                    probe: @Sendable () async -> Bool) async -> RecoveryOutcome {
        var attempts: [RecoveryAttempt] = []
        for step in steps {
            do {
                try await recovery.perform(step)
            } catch {
                attempts.append(RecoveryAttempt(step: step, result: error.code == .notPossible
                                                    ? .notPossible(error.message) : .failed(error.message)))
                continue
            }
            if await probe() {
                attempts.append(RecoveryAttempt(step: step, result: .answered))
                return .recovered(by: step, attempts: attempts)
            }
            attempts.append(RecoveryAttempt(step: step, result: .noAnswer))
        }
        return .replugRequired(attempts: attempts)
    }

    /// The ladder with the usual probe: after each step, open the device again where it is
    /// now (`reopen`), ask it once (`answers`), and close it.
    public func run(_ recovery: some DeviceRecovery, reopen: @escaping @Sendable () async throws -> any USBLink,
                    answers: @escaping @Sendable (any USBLink) async -> Bool) async -> RecoveryOutcome {
        await run(recovery) {
            guard let link = try? await reopen() else { return false }
            let answered = await answers(link)
            await link.close()
            return answered
        }
    }
}
