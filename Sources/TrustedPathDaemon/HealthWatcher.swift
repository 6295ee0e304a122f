import CCIDReader
import Hotplug
import LibUSBLink
import Logging
import PED
import POSIXSupport
import Power
import USBLink

/// What a health check asks of one kind of device, and how its answer is reported.
struct HealthProbe: Sendable {
    /// "PED", "reader": the log's word for it.
    var noun: String
    var interface: USBInterfaceKind
    var unresponsive: DeviceEvent.Kind
    var recovered: DeviceEvent.Kind
    /// One request; true when the device answered in time. Leaves the link open.
    var answers: @Sendable (any USBLink) async -> Bool

    /// One keep-alive of the PED protocol.
    static func ped(_ check: PEDHealthCheck = PEDHealthCheck()) -> HealthProbe {
        HealthProbe(noun: "PED", interface: .vendorBulk, unresponsive: .pedUnresponsive, recovered: .pedRecovered) {
            await check.answers($0)
        }
    }

    /// One PC_to_RDR_GetSlotStatus.
    static func reader(_ check: ReaderHealthCheck = ReaderHealthCheck()) -> HealthProbe {
        HealthProbe(noun: "reader", interface: .cardReader, unresponsive: .readerUnresponsive,
                    recovered: .readerRecovered) { await check.answers($0) }
    }
}

/// Health of every PED (`--ped-checks`) or reader (`--reader-checks`) that appears: one
/// request when it is added (coldplug included); silence is `ped-unresponsive` or
/// `reader-unresponsive`, then the recovery ladder (USB reset, re-authorize, port power),
/// and `…-recovered` naming the step that worked, or a log line telling the operator to
/// replug it.
///
/// Opt-in: the check claims the device's interface for a moment, which a session starting at
/// that instant would find busy. A device that is busy (an HSM session or pcscd holds it) or
/// can't be opened is logged and left alone: not checked is not unresponsive.
/// No timers: a device is checked when it appears, never polled.
actor HealthWatcher {
    private let probe: HealthProbe
    private let emit: @Sendable (DeviceEvent) -> Void
    /// Called with the device (at its address after any recovery) once it answered.
    private let healthy: @Sendable (USBDeviceIdentity) async -> Void
    private let logger: Logger
    /// Devices being checked or recovered, by syspath: the re-enumeration a recovery step
    /// causes shows up as remove and add events, which must not start a second check.
    private var checks: [String: Task<Void, Never>] = [:]

    init(_ probe: HealthProbe, logger: Logger, emit: @escaping @Sendable (DeviceEvent) -> Void,
         healthy: @escaping @Sendable (USBDeviceIdentity) async -> Void = { _ in }) {
        self.probe = probe
        self.logger = logger
        self.emit = emit
        self.healthy = healthy
    }

    func added(_ device: USBDeviceIdentity) {
        guard checks[device.syspath] == nil else { return }
        checks[device.syspath] = Task(executorPreference: DaemonExecutor.shared) {
            await self.examine(device)
            await self.done(device)
        }
    }

    private func done(_ device: USBDeviceIdentity) {
        checks.removeValue(forKey: device.syspath)
    }

    func stopAll() async {
        let running = Array(checks.values)
        checks.removeAll()
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func examine(_ device: USBDeviceIdentity) async {
        let (noun, interface) = (probe.noun, probe.interface)
        let metadata: Logger.Metadata = ["syspath": "\(device.syspath)", "device": "\(device.vidPid)"]
        let link: LibUSBLink
        do {
            link = try await LibUSBLink.open("\(device.busnum):\(device.devnum)", kind: interface)
        } catch {
            logger.info("\(noun) not checked: cannot open it: \(error)", metadata: metadata)
            return
        }
        let answered = await probe.answers(link)
        await link.close()
        if answered {
            logger.info("\(noun) answers", metadata: metadata)
            await healthy(device)
            return
        }
        // Unplugged while being asked: gone, not unresponsive (its removal is reported).
        guard SmallFile.read(device.syspath + "/devnum") != nil else {
            logger.info("\(noun) left while being checked", metadata: metadata)
            return
        }
        emit(DeviceEvent(probe.unresponsive, device: device))
        logger.warning("\(noun) does not answer; recovering it", metadata: metadata)
        let recovery: SysfsDeviceRecovery
        do {
            recovery = try SysfsDeviceRecovery(locating: device.syspath)
        } catch {
            logger.error("\(noun) cannot be recovered: \(error)", metadata: metadata)
            return
        }
        let outcome = await RecoveryLadder().run(recovery, reopen: {
            guard let now = recovery.address() else { throw USBError(.noDevice, "the \(noun) is gone") }
            return try await LibUSBLink.open("\(now.bus):\(now.address)", kind: interface)
        }, answers: probe.answers)
        switch outcome {
        case .recovered(let step, let attempts):
            var back = device
            if let now = recovery.address() { (back.busnum, back.devnum) = (now.bus, now.address) }
            emit(DeviceEvent(probe.recovered, device: back, recovery: step.rawValue))
            logger.notice("\(noun) recovered by \(step.rawValue)", metadata: metadata.merging(
                ["attempts": "\(attempts.map(\.description).joined(separator: "; "))"]) { $1 })
            await healthy(back)
        case .replugRequired:
            let advice = outcome.replugAdvice(device: "the \(noun) (\(recovery.deviceName), \(device.vidPid))")
            logger.error("\(advice.map(\.description) ?? "\(noun) not recovered")", metadata: metadata)
        }
    }
}
