import POSIXSupport

/// A USB device's bus number and address (devnum), as usbfs and libusb name it.
public struct USBAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var bus: Int
    public var address: Int

    public init(bus: Int, address: Int) {
        self.bus = bus
        self.address = address
    }

    /// "1:5", the selector form the CLI and LibUSBLink accept.
    public var description: String { "\(bus):\(address)" }

    /// The usbfs node, /dev/bus/usb/BBB/DDD.
    public var node: String {
        func three(_ n: Int) -> String {
            let text = String(n)
            return String(repeating: "0", count: max(0, 3 - text.count)) + text
        }
        return "/dev/bus/usb/\(three(bus))/\(three(address))"
    }
}

/// Recovery of a USB device through the kernel's interfaces: usbfs USBDEVFS_RESET, the
/// device's sysfs `authorized` attribute, and its port's power (the port's sysfs `disable`
/// attribute, kernel 6.0+, else the hub class request on a hub with per-port switching).
///
/// The device is held by its kernel name ("1-2"), not its address: re-authorizing and
/// power cycling re-enumerate it, usually at a new address, always under the same name.
public struct SysfsDeviceRecovery: DeviceRecovery {
    public struct Timing: Sendable {
        /// How long the port stays off. Bus-powered devices keep running on their
        /// capacitors for a while; 2 s is what uhubctl waits by default.
        public var powerOff: Duration
        /// How long the kernel may take to remove or re-enumerate the device.
        public var reenumeration: Duration
        /// How often sysfs is looked at while waiting.
        public var poll: Duration

        public init(powerOff: Duration = .seconds(2), reenumeration: Duration = .seconds(10),
                    poll: Duration = .milliseconds(50)) {
            self.powerOff = powerOff
            self.reenumeration = reenumeration
            self.poll = poll
        }
    }

    public let topology: USBTopology
    public let sysfs: Sysfs
    public var timing: Timing
    /// Whether port power does not reset the device. nil: its active configuration's
    /// bmAttributes decide (bit 0x40, self-powered). A driver that knows better (a PED on
    /// firmware 2.7.x has its own supply) says true.
    public var externallyPowered: Bool?
    /// The port's sysfs directory, found when the device was: its `port` link vanishes
    /// with the device while the port is off.
    public let portPath: String

    /// The device named `name` ("1-2", "3-1.4"), which must be attached now.
    public init(deviceName name: String, sysfs: Sysfs = Sysfs(), timing: Timing = Timing(),
                externallyPowered: Bool? = nil) throws(USBDeviceLookupError) {
        guard let topology = USBTopology(deviceName: name) else {
            throw USBDeviceLookupError("\"\(name)\" is not a USB device's kernel name (like 1-2 or 3-1.4)")
        }
        guard sysfs.exists(topology.devicePath) else {
            throw USBDeviceLookupError("no USB device \(name): \(topology.devicePath) does not exist")
        }
        self.topology = topology
        self.sysfs = sysfs
        self.timing = timing
        self.externallyPowered = externallyPowered
        self.portPath = sysfs.linkTarget(topology.devicePath + "/port").flatMap(USBTopology.portPath(fromLinkTarget:))
            ?? topology.portPath
    }

    /// The device named by a sysfs path, a kernel name, "bus:address" or "vid:pid".
    public init(locating spec: String, sysfs: Sysfs = Sysfs(), timing: Timing = Timing(),
                externallyPowered: Bool? = nil) throws(USBDeviceLookupError) {
        try self.init(deviceName: USBDeviceLookup(sysfs: sysfs).deviceName(for: spec), sysfs: sysfs,
                      timing: timing, externallyPowered: externallyPowered)
    }

    public var deviceName: String { topology.deviceName }
    var devicePath: String { topology.devicePath }

    /// Where the device is now; nil while it is gone.
    public func address() -> USBAddress? {
        guard let bus = sysfs.read(devicePath + "/busnum").flatMap({ Int($0) }),
              let address = sysfs.read(devicePath + "/devnum").flatMap({ Int($0) }) else { return nil }
        return USBAddress(bus: bus, address: address)
    }

    /// "0c4b:0400" from sysfs; nil while the device is gone.
    public func vendorProduct() -> String? {
        guard let vendor = sysfs.read(devicePath + "/idVendor"), let product = sysfs.read(devicePath + "/idProduct")
        else { return nil }
        return "\(vendor):\(product)"
    }

    /// Self-powered per the active configuration's bmAttributes (bit 6), unless overridden.
    public func isExternallyPowered() -> Bool {
        if let externallyPowered { return externallyPowered }
        guard let text = sysfs.read(devicePath + "/bmAttributes"), let attributes = UInt8(text, radix: 16) else {
            return false
        }
        return attributes & 0x40 != 0
    }

    /// Back: the kernel has the device again and it is authorized (enumerated, configured).
    public func isBack() -> Bool {
        sysfs.exists(devicePath) && sysfs.read(devicePath + "/authorized") == "1" && address() != nil
    }

    public func perform(_ step: RecoveryStep) async throws(RecoveryError) {
        guard sysfs.exists(devicePath) else {
            throw RecoveryError(.notPossible, step: step, "\(deviceName) is not attached (\(devicePath) is gone)")
        }
        switch step {
        case .usbReset: try await usbReset()
        case .reauthorize: try await reauthorize()
        case .portPowerCycle: try await portPowerCycle()
        }
    }

    // MARK: Steps

    private func usbReset() async throws(RecoveryError) {
        let step = RecoveryStep.usbReset
        guard let address = address() else {
            throw RecoveryError(.notPossible, step: step, "\(devicePath) has no busnum/devnum")
        }
        // The kernel resets and re-enumerates before the ioctl returns: up to a second or so.
        let sysfs = sysfs
        do {
            try await runBlocking { () throws(Sysfs.Failure) in try sysfs.usbfsReset(address.node) }
        } catch {
            throw error.recoveryError(step, permission: "write access to \(address.node) (the trustedpath group, "
                                      + "given by udev/60-trustedpath.rules, or root)")
        }
        try await waitUntilBack(step, after: "the USB reset")
    }

    private func reauthorize() async throws(RecoveryError) {
        let step = RecoveryStep.reauthorize
        let attribute = devicePath + "/authorized"
        let permission = "write access to \(attribute): root, or the rule in docs/recovery.md that gives it to "
            + "the trustedpath group"
        do {
            try sysfs.write(attribute, "0")
        } catch {
            throw error.recoveryError(step, permission: permission)
        }
        // The kernel removes the interfaces before the write returns; waiting for that
        // makes the order visible to anything watching (and to a test playing the kernel).
        _ = await wait(timing.reenumeration) { interfaces().isEmpty }
        do {
            try sysfs.write(attribute, "1")
        } catch {
            throw RecoveryError(.failed, step: step, "\(deviceName) is left de-authorized: \(error); "
                                + "write 1 to \(attribute) as root, or unplug and replug it")
        }
        try await waitUntilBack(step, after: "authorizing it again")
    }

    private func portPowerCycle() async throws(RecoveryError) {
        let step = RecoveryStep.portPowerCycle
        if isExternallyPowered() {
            throw RecoveryError.externallyPowered(deviceName)
        }
        let disable = portPath + "/disable"
        if sysfs.exists(disable) {
            try await cycle(through: disable)
        } else {
            try await cycleThroughHub(why: "\(disable) does not exist (kernel before 6.0, or no such port)")
        }
        try await waitUntilBack(step, after: "the port was switched on")
    }

    /// The port's `disable` attribute: 1 disconnects the device and switches the port off,
    /// 0 switches it on; the hub driver then enumerates whatever is plugged in.
    private func cycle(through disable: String) async throws(RecoveryError) {
        let step = RecoveryStep.portPowerCycle
        do {
            try sysfs.write(disable, "1")
        } catch {
            throw error.recoveryError(step, permission: "write access to \(disable): root, or the rule in "
                                      + "docs/recovery.md that gives it to the trustedpath group")
        }
        let gone = await wait(timing.reenumeration) { !sysfs.exists(devicePath) }
        if gone { try? await Task.sleep(for: timing.powerOff) }
        do {
            try sysfs.write(disable, "0")
        } catch {
            throw RecoveryError(.failed, step: step, "port \(portPath) is left switched off: \(error); "
                                + "write 0 to \(disable) as root, or unplug and replug the device")
        }
        guard gone else {
            throw RecoveryError(.failed, step: step, "writing 1 to \(disable) did not disconnect \(deviceName) "
                                + "within \(timing.reenumeration)")
        }
    }

    /// CLEAR_FEATURE then SET_FEATURE(PORT_POWER) on the parent hub, if it switches each
    /// port's power on its own; on a ganged hub that would cut every port.
    private func cycleThroughHub(why noDisable: String) async throws(RecoveryError) {
        let step = RecoveryStep.portPowerCycle
        let hubPath = topology.hubPath
        guard let hubBus = sysfs.read(hubPath + "/busnum").flatMap({ Int($0) }),
              let hubAddress = sysfs.read(hubPath + "/devnum").flatMap({ Int($0) }) else {
            throw RecoveryError(.notPossible, step: step, "\(noDisable), and hub \(topology.hubName) has no busnum/devnum")
        }
        let superSpeed = (sysfs.read(hubPath + "/speed").flatMap { Int($0) } ?? 0) >= 5000
        let type = superSpeed ? HubDescriptor.superSpeedType : HubDescriptor.usb2Type
        let hub = "hub \(topology.hubName) (\(hubBus):\(hubAddress))"
        let permission = "write access to \(USBAddress(bus: hubBus, address: hubAddress).node) (root, or a rule for "
            + "the hub in docs/recovery.md)"
        let descriptor: HubDescriptor
        do {
            let reply = try await USBControl.transfer(bus: hubBus, address: hubAddress, [.getHubDescriptor(type: type)])
            descriptor = try HubDescriptor(parsing: reply.first ?? [])
        } catch let error as USBControl.Failure {
            throw error.recoveryError(step, permission: permission, context: "\(noDisable); reading the hub descriptor")
        } catch {
            throw RecoveryError(.failed, step: step, "\(noDisable); \(hub) sent a hub descriptor that can't be read: \(error)")
        }
        guard descriptor.powerSwitching == .perPort else {
            throw RecoveryError(.notPossible, step: step, "\(noDisable), and \(hub) has \(descriptor.powerSwitching.rawValue) "
                                + "power switching: port \(topology.port) can't be switched off on its own")
        }
        do {
            _ = try await USBControl.transfer(bus: hubBus, address: hubAddress, [.portPower(false, port: topology.port)])
        } catch {
            throw error.recoveryError(step, permission: permission, context: "switching port \(topology.port) off")
        }
        // The hub driver sees the connection change and removes the device; give it the
        // power-off time to do so, then keep the port off for the rest of it.
        let start = ContinuousClock.now
        _ = await wait(timing.powerOff) { !sysfs.exists(devicePath) }
        let left = timing.powerOff - (ContinuousClock.now - start)
        if left > .zero { try? await Task.sleep(for: left) }
        do {
            _ = try await USBControl.transfer(bus: hubBus, address: hubAddress, [.portPower(true, port: topology.port)])
        } catch {
            throw RecoveryError(.failed, step: step, "port \(topology.port) of \(hub) is left switched off: \(error); "
                                + "unplug and replug the device")
        }
    }

    // MARK: Waiting

    /// The device's interfaces ("1-2:1.0", ...) as sysfs lists them now.
    private func interfaces() -> [String] {
        sysfs.list(devicePath).filter { $0.hasPrefix(deviceName + ":") }
    }

    private func waitUntilBack(_ step: RecoveryStep, after what: String) async throws(RecoveryError) {
        guard await wait(timing.reenumeration, isBack) else {
            throw RecoveryError(.failed, step: step, "\(deviceName) did not come back within \(timing.reenumeration) "
                                + "after \(what)")
        }
    }

    /// Polls `condition` every `timing.poll` until it holds or `limit` has passed; false on
    /// timeout. Sysfs has no change notification for these attributes that umockdev
    /// emulates, and the poll interval is modest.
    private func wait(_ limit: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while true {
            if condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            do { try await Task.sleep(for: timing.poll) } catch { return condition() }
        }
    }
}

extension Sysfs.Failure {
    func recoveryError(_ step: RecoveryStep, permission: String) -> RecoveryError {
        if isPermission { return RecoveryError(.notPossible, step: step, "\(self): needs \(permission)") }
        if isMissing { return RecoveryError(.notPossible, step: step, "\(self)") }
        return RecoveryError(.failed, step: step, "\(self)")
    }
}

extension USBControl.Failure {
    func recoveryError(_ step: RecoveryStep, permission: String, context: String) -> RecoveryError {
        if isPermission { return RecoveryError(.notPossible, step: step, "\(context): \(self): needs \(permission)") }
        return RecoveryError(.failed, step: step, "\(context): \(self)")
    }
}
