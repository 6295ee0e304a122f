import PEDProtocol
import Power
import USBLink

/// Whether an attached PED answers, and bringing it back when it does not: what the hotplug
/// daemon does when a PED appears, apart from any HSM session.
///
/// Why two calls and not `PEDDriver`'s own recovery: a watcher reports the PED unresponsive
/// the moment a keep-alive goes unanswered, before the ladder starts (which may take tens
/// of seconds), and reports what brought it back afterwards.
public struct PEDHealthCheck: Sendable {
    public var timeouts: PEDTimeouts

    public init(timeouts: PEDTimeouts = .standard) {
        self.timeouts = timeouts
    }

    /// One keep-alive on `link`; true when the PED answered in time. Leaves the link open.
    public func answers(_ link: any USBLink) async -> Bool {
        // A keep-alive needs no handshake, so the HSM firmware given here is never checked.
        let driver = PEDDriver(link: link, hsmFirmware: FirmwareVersion(7, 7, 0), timeouts: timeouts)
        do {
            try await driver.keepAlive()
            return true
        } catch {
            return false
        }
    }

    /// The recovery ladder, each step followed by opening the PED again (`reopen`) and one
    /// keep-alive.
    public func recover(_ recovery: some DeviceRecovery, reopen: @escaping PEDDriver.Reopen) async -> RecoveryOutcome {
        await RecoveryLadder().run(recovery, reopen: reopen) { await answers($0) }
    }
}
