import Hotplug
import LibUSBLink
import Logging
import PED
import Power
import USBLink

/// Health of every PED that appears: one keep-alive when it is added (coldplug included);
/// silence is `ped-unresponsive`, then the recovery ladder (USB reset, re-authorize, port
/// power), and `ped-recovered` naming the step that worked, or a log line telling the
/// operator to replug it.
///
/// Opt-in (`--ped-checks`): the check claims the PED's interface for a moment, which an HSM
/// session starting at that instant would find busy. A PED that is busy (in an HSM session)
/// or can't be opened is logged and left alone: not checked is not unresponsive.
/// No timers: a PED is checked when it appears, never polled.
actor PEDWatcher {
    private let emit: @Sendable (DeviceEvent) -> Void
    private let logger: Logger
    private let check: PEDHealthCheck
    /// PEDs being checked or recovered, by syspath: the re-enumeration a recovery step
    /// causes shows up as remove and add events, which must not start a second check.
    private var checks: [String: Task<Void, Never>] = [:]

    init(logger: Logger, check: PEDHealthCheck = PEDHealthCheck(), emit: @escaping @Sendable (DeviceEvent) -> Void) {
        self.logger = logger
        self.check = check
        self.emit = emit
    }

    func pedAdded(_ device: USBDeviceIdentity) {
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
        let metadata: Logger.Metadata = ["syspath": "\(device.syspath)", "device": "\(device.vidPid)"]
        let link: LibUSBLink
        do {
            link = try await LibUSBLink.open("\(device.busnum):\(device.devnum)", kind: .vendorBulk)
        } catch {
            logger.info("PED not checked: cannot open it: \(error)", metadata: metadata)
            return
        }
        let answered = await check.answers(link)
        await link.close()
        if answered {
            logger.info("PED answers", metadata: metadata)
            return
        }
        emit(DeviceEvent(.pedUnresponsive, device: device))
        logger.warning("PED does not answer a keep-alive; recovering it", metadata: metadata)
        let recovery: SysfsDeviceRecovery
        do {
            recovery = try SysfsDeviceRecovery(locating: device.syspath)
        } catch {
            logger.error("PED cannot be recovered: \(error)", metadata: metadata)
            return
        }
        let outcome = await check.recover(recovery) {
            guard let now = recovery.address() else { throw USBError(.noDevice, "the PED is gone") }
            return try await LibUSBLink.open("\(now.bus):\(now.address)", kind: .vendorBulk)
        }
        switch outcome {
        case .recovered(let step, let attempts):
            var back = device
            if let now = recovery.address() { (back.busnum, back.devnum) = (now.bus, now.address) }
            emit(DeviceEvent(.pedRecovered, device: back, recovery: step.rawValue))
            logger.notice("PED recovered by \(step.rawValue)", metadata: metadata.merging(
                ["attempts": "\(attempts.map(\.description).joined(separator: "; "))"]) { $1 })
        case .replugRequired:
            let advice = outcome.replugAdvice(device: "the PED (\(recovery.deviceName), \(device.vidPid))")
            logger.error("\(advice.map(\.description) ?? "PED not recovered")", metadata: metadata)
        }
    }
}
