import LibUSBLink
import PED
import PEDAuth
import PEDProtocol
import Power
import Simulator
import TrustedPathCore
import TrustedPathWorkflows
import USBLink

/// The PED a `trustedpath ped` command talks to: a real one on USB, or the simulated PED with
/// a simulated person who inserts keys and types PED PINs on it, narrated on stdout.
struct PEDStation {
    let driver: PEDDriver
    let simulated: SimulatedPED?
    /// The usbmon capture of the session (`--record`), PED secrets redacted.
    let recording: PcapFileSink?

    var auth: RoleAuthenticator { RoleAuthenticator(driver: driver) }

    static func open(_ options: PEDCommand.Options) async throws -> PEDStation {
        guard let hsm = FirmwareVersion(options.hsmFirmware) else {
            throw CLIError("--hsm-firmware must be like 7.8.0, not \(options.hsmFirmware)")
        }
        let timeouts: PEDTimeouts
        do { timeouts = try PEDTimeouts(keyActivitySeconds: options.keyTimeout) } catch { throw CLIError(error.description) }
        if let record = options.record { try Files.checkOutput(record, as: "the recording") }
        if options.simulate {
            guard let firmware = FirmwareVersion(options.pedFirmware) else {
                throw CLIError("--ped-firmware must be like 2.9.0, not \(options.pedFirmware)")
            }
            let ped = SimulatedPED(firmware: firmware)
            let recording = try options.record.map { try sink($0) }
            let record: @Sendable (any USBLink) -> any USBLink = { Self.recorded($0, into: recording) }
            let driver = PEDDriver(link: record(ped), hsmFirmware: hsm, recovery: SimulatedPEDRecovery(ped: ped),
                                   reopen: { try await ped.reopen(); return record(ped) }, timeouts: simulatedTimeouts(timeouts))
            return PEDStation(driver: driver, simulated: ped, recording: recording)
        }
        // A real PED: the recovery ladder works on it through sysfs (USB reset, re-authorize,
        // port power); after each step it is opened again wherever it re-enumerated.
        let selector = options.ped
        let link: LibUSBLink
        do { link = try await LibUSBLink.open(selector, kind: .vendorBulk) } catch where error.code == .noDevice {
            throw CLIError("no PED \(selector) is attached (\(error.context)): plug it in, or name it with "
                           + "--ped VID:PID or BUS:ADDRESS; --simulate runs on the simulated PED")
        } catch {
            throw CLIError("cannot open the PED \(selector): \(error)")
        }
        let recovery = try? SysfsDeviceRecovery(locating: "\(link.device.busNumber):\(link.device.deviceAddress)")
        let recording: PcapFileSink?
        do { recording = try options.record.map { try sink($0) } } catch {
            await link.close()
            throw error
        }
        var reopen: PEDDriver.Reopen?
        if let recovery { reopen = { Self.recorded(try await reopenPED(recovery), into: recording) } }
        return PEDStation(driver: PEDDriver(link: recorded(link, into: recording), hsmFirmware: hsm, recovery: recovery,
                                            reopen: reopen, timeouts: timeouts), simulated: nil, recording: recording)
    }

    private static func sink(_ path: String) throws -> PcapFileSink {
        do { return try PcapFileSink(path: path) } catch {
            throw CLIError("the recording \(path) cannot be created: \(error.context)")
        }
    }

    /// The link as the driver sees it: recorded, PED secrets blanked, when asked to.
    private static func recorded(_ link: any USBLink, into sink: PcapFileSink?) -> any USBLink {
        guard let sink else { return link }
        return RecordingLink(wrapping: link, sink: sink, redactor: PEDRedaction.redactor(for: link.device))
    }

    /// The PED again, at the address it re-enumerated at after a recovery step.
    @Sendable private static func reopenPED(_ recovery: SysfsDeviceRecovery) async throws -> any USBLink {
        guard let now = recovery.address() else { throw CLIError("the PED \(recovery.deviceName) is gone") }
        return try await LibUSBLink.open("\(now.bus):\(now.address)", kind: .vendorBulk)
    }

    /// The simulated PED answers at once, so a hang is noticed within a fraction of a second.
    private static func simulatedTimeouts(_ base: PEDTimeouts) -> PEDTimeouts {
        var quick = base
        quick.keepAliveInterval = .milliseconds(300)
        quick.keepAliveReply = .milliseconds(500)
        quick.shortReply = .seconds(2)
        return quick
    }

    /// What the simulated person does, told as it is queued.
    func person(_ actions: [PEDAction]) async {
        guard let simulated else { return }
        for action in actions { print("[operator] \(action)") }
        await simulated.perform(actions)
    }

    /// Makes a key set on the simulated PED (keys 1...n, PIN of key i is i repeated 4 times).
    func prepareKeySet(role: PEDRole, policy: MofN) async throws -> SecretBytes {
        guard let simulated else { throw CLIError("only the simulated PED has a drawer of test keys") }
        let ids = (1...UInt64(policy.n)).map { $0 }
        await simulated.addBlankKeys(ids)
        print("Setting up: \(policy) \(role.colour) keys for the \(role) on the simulated PED")
        await simulated.perform(ids.flatMap { [.insert($0), .pin(Self.pin($0)), .pin(Self.pin($0))] })
        do { return try await auth.initialize(role: role, policy: policy).secret } catch { throw CLIError(error.description) }
    }

    static func pin(_ key: UInt64) -> String { String(repeating: String(key % 10), count: 4) }

    func finish() async {
        if let simulated {
            for line in await simulated.display.current where !line.isEmpty { print("[PED display] \(line)") }
        }
        for notice in await driver.notices { print("note: \(notice)") }
        for outcome in await driver.recoveries {
            print("recovery: " + outcome.attempts.map(\.description).joined(separator: "; "))
        }
        await driver.close()
        if let recording {
            recording.close()
            if let failure = recording.failure { print("warning: the recording \(recording.path) is incomplete: \(failure)") }
        }
    }
}
