import ArgumentParser
import CCID
import CCIDReader
import Hotplug
import LibUSBLink

/// `trustedpath devices`: the readers and PEDs attached now, classified as trustedpathd
/// does, with each reader's capabilities and the state of its slots.
struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List the attached readers and PEDs.",
        discussion: """
            Enumerates USB devices through libudev. A reader's capabilities come from its CCID \
            class descriptor; its card state from PC_to_RDR_GetSlotStatus, which needs the \
            reader free (not held by trustedpathd's session or pcscd) and access to its node: \
            otherwise the state is "unknown" with the reason.
            """)

    @Flag(help: "One JSON object per device per line.") var json = false
    @Flag(help: "Don't open readers to ask for their card state.") var noCardState = false

    func run() async throws {
        let devices: [DeviceClassifier.Result]
        do {
            devices = try HotplugMonitor.enumerate().sorted { $0.identity.syspath < $1.identity.syspath }
        } catch {
            throw ValidationError("\(error)")
        }
        for device in devices {
            let cards = device.identity.role == .reader && !noCardState ? await Self.cardState(device) : nil
            print(json ? Self.json(device, cards).rendered : Self.text(device, cards))
        }
        if devices.isEmpty && !json { print("no readers or PEDs attached") }
    }

    /// Per slot "absent", "present-active", ...; one "unknown: reason" when it can't be asked.
    static func cardState(_ device: DeviceClassifier.Result) async -> [String] {
        let selector = "\(device.identity.busnum):\(device.identity.devnum)"
        let link: LibUSBLink
        do { link = try await LibUSBLink.open(selector) } catch { return ["unknown: \(error)"] }
        var states: [String] = []
        do {
            let reader = try CCIDReader(link: link, descriptor: device.ccid.first?.descriptor)
            for slot in 0..<reader.descriptor.slotCount {
                do { states.append(try await reader.slotStatus(slot: UInt8(slot)).name) } catch {
                    states.append("unknown: \(error)")
                }
            }
        } catch {
            states = ["unknown: \(error)"]
        }
        await link.close()
        return states
    }

    static func json(_ device: DeviceClassifier.Result, _ cards: [String]?) -> JSONValue {
        let identity = device.identity
        var fields: [(String, JSONValue)] = [
            ("kind", .string(identity.role.rawValue)), ("syspath", .string(identity.syspath)),
            ("busnum", .int(identity.busnum)), ("devnum", .int(identity.devnum)),
            ("idVendor", .string(String(identity.vidPid.prefix(4)))), ("idProduct", .string(String(identity.vidPid.suffix(4)))),
            ("product", identity.product.map(JSONValue.string) ?? .null), ("reason", .string(device.reason)),
        ]
        if identity.role == .reader {
            fields.append(("capabilities", device.ccid.first.map { capabilities($0) } ?? .null))
            fields.append(("cards", cards.map { .array($0.map(JSONValue.string)) } ?? .null))
        }
        return .object(fields)
    }

    static func capabilities(_ found: CCIDDescriptorLocator.Found) -> JSONValue {
        let descriptor = found.descriptor
        return .object([
            ("interfaceNumber", .int(Int(found.interfaceNumber))), ("interfaceClass", .int(Int(found.interfaceClass))),
            ("slots", .int(descriptor.slotCount)), ("protocols", .array(descriptor.protocols.map { .string("T=\($0)") })),
            ("pinVerify", .bool(descriptor.supportsPINVerify)), ("pinModify", .bool(descriptor.supportsPINModify)),
            ("lcd", descriptor.lcdLayout.map { .object([("lines", .int($0.lines)), ("characters", .int($0.characters))]) }
                ?? .null),
            ("exchangeLevel", .string(descriptor.exchangeLevel.name)),
            ("maxMessageLength", .int(descriptor.maxMessageLength)),
        ])
    }

    static func text(_ device: DeviceClassifier.Result, _ cards: [String]?) -> String {
        let identity = device.identity
        var lines = ["\(identity.role.rawValue) \(identity.vidPid) bus \(identity.busnum) device \(identity.devnum)"
                     + " \(identity.product ?? "") (\(device.reason))", "  \(identity.syspath)"]
        if let descriptor = device.ccid.first?.descriptor {
            let lcd = descriptor.lcdLayout.map { "\($0.lines) lines of \($0.characters)" } ?? "none"
            lines.append("  slots \(descriptor.slotCount), protocols \(descriptor.protocols.map { "T=\($0)" }.joined(separator: ",")), "
                         + "PIN verify \(descriptor.supportsPINVerify ? "yes" : "no"), modify \(descriptor.supportsPINModify ? "yes" : "no"), "
                         + "LCD \(lcd), \(descriptor.exchangeLevel.name) exchange")
        } else if identity.role == .reader {
            lines.append("  no usable CCID class descriptor")
        }
        if let cards {
            lines += cards.enumerated().map { "  slot \($0.offset): \($0.element)" }
        }
        return lines.joined(separator: "\n")
    }
}
