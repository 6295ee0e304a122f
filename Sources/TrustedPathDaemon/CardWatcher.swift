import CCIDReader
import Hotplug
import LibUSBLink
import Logging

/// Card insertions and removals of every reader: on `reader-added` it opens the reader
/// (libusb, by bus and address) and follows `CCIDReader.cardEvents()`, which listens on
/// the interrupt endpoint (or polls slot status where a reader has none).
///
/// Opt-in (`--card-events`): watching holds the reader's interface, so no other process
/// (pcscd, the `trustedpath` tools) can open it meanwhile. A reader that can't be opened
/// (busy, gone while being opened, no access) is logged and skipped: never fatal.
actor CardWatcher {
    private var watches: [String: Task<Void, Never>] = [:]
    private let emit: @Sendable (DeviceEvent) -> Void
    private let logger: Logger

    init(logger: Logger, emit: @escaping @Sendable (DeviceEvent) -> Void) {
        self.logger = logger
        self.emit = emit
    }

    func readerAdded(_ device: USBDeviceIdentity) {
        watches[device.syspath]?.cancel()
        let (emit, logger) = (self.emit, self.logger)
        watches[device.syspath] = Task(executorPreference: DaemonExecutor.shared) {
            await Self.watch(device, emit: emit, logger: logger)
        }
    }

    func readerRemoved(_ device: USBDeviceIdentity) {
        watches.removeValue(forKey: device.syspath)?.cancel()
    }

    func stopAll() async {
        let running = watches.values
        watches.removeAll()
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private static func watch(_ device: USBDeviceIdentity, emit: @Sendable (DeviceEvent) -> Void, logger: Logger) async {
        let metadata: Logger.Metadata = ["syspath": "\(device.syspath)", "device": "\(device.vidPid)"]
        let link: LibUSBLink
        do {
            link = try await LibUSBLink.open("\(device.busnum):\(device.devnum)")
        } catch {
            logger.warning("no card events for this reader: cannot open it: \(error)", metadata: metadata)
            return
        }
        let reader: CCIDReader
        do {
            reader = try CCIDReader(link: link)
        } catch {
            logger.warning("no card events for this reader: \(error)", metadata: metadata)
            await link.close()
            return
        }
        logger.info("watching cards", metadata: metadata)
        for await event in reader.cardEvents(executor: DaemonExecutor.shared) {
            switch event {
            case .inserted(let slot): emit(DeviceEvent(.cardInserted, device: device, slot: slot))
            case .removed(let slot): emit(DeviceEvent(.cardRemoved, device: device, slot: slot))
            case .hardwareError(let slot, let code):
                logger.warning("reader reports a hardware error", metadata: metadata.merging(
                    ["slot": "\(slot)", "code": "\(code)"]) { $1 })
            case .readerGone:
                logger.info("reader link ended; card events stop", metadata: metadata)
            }
        }
        await link.close()
    }
}
