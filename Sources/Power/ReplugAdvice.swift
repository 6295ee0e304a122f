extension RecoveryError {
    /// How a `portPowerCycle` refusal for a self-powered device begins: the replug advice
    /// recognises it in the attempts and asks for the power supply to be unplugged too.
    public static let externallyPoweredReason = "externally powered"

    /// Port power does not reach a device with its own supply: its firmware keeps running.
    public static func externallyPowered(_ device: String) -> RecoveryError {
        RecoveryError(.notPossible, step: .portPowerCycle,
                      "\(externallyPoweredReason): switching the port's power does not reset \(device); "
                      + "unplug its power supply")
    }
}

/// What to tell a person when the ladder ends in `.replugRequired`: which device, what was
/// tried, and what to unplug. The PED driver and the CLI both show it.
public struct ReplugAdvice: Sendable, Equatable, CustomStringConvertible {
    /// How the person knows the device: "the PED (1-2, 0c4b:0400)".
    public var device: String
    public var attempts: [RecoveryAttempt]
    /// It has its own power supply (a PED on firmware 2.7.x): that has to be unplugged too.
    public var externallyPowered: Bool

    /// `externallyPowered` nil: taken from the attempts (a port power cycle refused as
    /// externally powered).
    public init(device: String, attempts: [RecoveryAttempt], externallyPowered: Bool? = nil) {
        self.device = device
        self.attempts = attempts
        self.externallyPowered = externallyPowered ?? attempts.contains { attempt in
            guard attempt.step == .portPowerCycle, case .notPossible(let why) = attempt.result else { return false }
            return why.hasPrefix(RecoveryError.externallyPoweredReason)
        }
    }

    public var description: String {
        var lines = ["\(device) does not answer and could not be brought back without you."]
        if attempts.isEmpty {
            lines.append("No recovery step was tried.")
        } else {
            lines.append("Tried:")
            lines += attempts.map { "  - \($0)" }
        }
        if externallyPowered {
            lines.append("It has its own power supply, so switching its USB port off does not reset it.")
            lines.append("Unplug its USB cable and its power supply, wait 5 seconds, plug the power supply back in, "
                         + "then the USB cable.")
        } else {
            lines.append("Unplug its USB cable, wait 5 seconds, and plug it back in.")
        }
        return lines.joined(separator: "\n")
    }
}

extension RecoveryOutcome {
    /// The advice when a person has to replug the device; nil when it was recovered.
    public func replugAdvice(device: String, externallyPowered: Bool? = nil) -> ReplugAdvice? {
        guard case .replugRequired(let attempts) = self else { return nil }
        return ReplugAdvice(device: device, attempts: attempts, externallyPowered: externallyPowered)
    }
}
