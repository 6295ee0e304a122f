import PEDProtocol
import Power
import USBLink

/// Bringing the PED back: the ladder after a missed keep-alive, and the power cycle the
/// driver does itself after every HSM reset or firmware update.
extension PEDDriver {
    func recover(_ why: String, during type: PEDMessageType) async throws(PEDError) {
        guard let recovery, reopen != nil else {
            throw PEDError(.notAnswering, "\(why); no recovery is configured for this PED")
        }
        await link.close()
        let outcome = await RecoveryLadder().run(recovery) { await self.probe() }
        recoveries.append(outcome)
        guard case .recovered = outcome else {
            throw PEDError(.notAnswering, replugMessage(why, during: type), recovery: outcome)
        }
        identity = nil
        _ = try accept(try await transactOnce(.hello(hsmFirmware: hsmFirmware), timeout: timeouts.shortReply, during: type))
    }

    /// The PED was restarted by the HSM's reset or firmware update, or is about to hang
    /// because of it: cycle its port's power (the only step that restarts a bus-powered
    /// PED), reopen, handshake. Returns what was done, for the log.
    public func hsmDidReset() async throws(PEDError) -> String {
        guard let recovery, reopen != nil else {
            throw PEDError(.invalidRequest, "no recovery is configured: cannot power-cycle the PED")
        }
        guard !operating else { throw PEDError(.busy, "a PED operation is in progress; power-cycle after it") }
        operating = true
        defer { operating = false }
        var note: String
        if let identity, identity.power == .external {
            note = "externally powered PED (firmware \(identity.firmware)): port power does not restart it, not cycled"
        } else {
            await link.close()
            do {
                try await recovery.perform(.portPowerCycle)
                note = "PED power-cycled after the HSM reset"
            } catch {
                note = "port power cycle not possible (\(error.message))"
            }
        }
        if await probe() {
            identity = nil
            _ = try accept(try await transactOnce(.hello(hsmFirmware: hsmFirmware), timeout: timeouts.shortReply,
                                                  during: .hello))
            return note
        }
        try await recover("the PED did not answer after the HSM reset (\(note))", during: .hello)
        return note + "; recovered by " + (recoveries.last.map(Self.lastStep) ?? "?")
    }

    public func firmwareDidUpdate() async throws(PEDError) -> String { try await hsmDidReset() }

    /// After a recovery step: the link reopened and a keep-alive answered.
    func probe() async -> Bool {
        guard let reopen else { return false }
        await link.close()
        do { link = try await reopen() } catch { return false }
        assembler.reset()
        pending.removeAll()
        do {
            _ = try await attempt(.keepAlive, timeout: timeouts.keepAliveReply)
            return true
        } catch {
            return false
        }
    }

    private func transactOnce(_ request: PEDRequest, timeout: Duration,
                              during type: PEDMessageType) async throws(PEDError) -> PEDReply {
        try await attemptOrGiveUp(request, timeout: timeout) { why in
            "the PED answered a keep-alive but not the handshake (\(why)) during the \(type) request; "
                + "unplug the PED and plug it in again"
        }
    }

    private func replugMessage(_ why: String, during type: PEDMessageType) -> String {
        var text = "the PED stopped answering (\(why)) during the \(type) request, which did not complete; "
            + "USB reset, re-authorize and port power cycle did not bring it back"
        if let identity, identity.power == .external || FirmwareCompatibility.isExternallyPowered(ped: identity.firmware) {
            text += ". This PED (firmware \(identity.firmware)) is externally powered, so port power does not reset it: "
                + "unplug its power supply and its USB cable, then plug both in again"
        } else {
            text += ". Unplug the PED's USB cable and plug it in again"
        }
        return text
    }

    static func lastStep(_ outcome: RecoveryOutcome) -> String {
        if case .recovered(let step, _) = outcome { return step.rawValue }
        return "nothing (replug required)"
    }
}
