import Transcript

/// Finds the CCID conversation in a capture: which devices are CCID readers, their messages
/// reassembled, and which DataBlock answers which XfrBlock.
///
/// A device counts as a reader when the capture shows its configuration descriptor with a
/// CCID interface (class 0x0B, or a vendor-class interface carrying the 54-byte CCID class
/// descriptor as the cyberJack family does), or, when the capture began after enumeration,
/// when its first bulk OUT transfer is a well-formed PC_to_RDR message.
public struct CaptureCCIDDecoder {
    /// What the decoder reports, in capture order.
    public enum Event {
        case message(CCIDRecord)
        /// A transfer that is not part of a CCID conversation (enumeration, other devices),
        /// reported only when `reportOtherTransfers` is set.
        case transfer(frame: Int, packet: UsbmonPacket)
    }

    private struct DeviceKey: Hashable { var bus: UInt16; var device: UInt8 }
    private struct StreamKey: Hashable { var bus: UInt16; var device: UInt8; var endpoint: UInt8 }
    private struct ExchangeKey: Hashable { var bus: UInt16; var device: UInt8; var slot: UInt8; var seq: UInt8 }

    public var reportOtherTransfers: Bool
    private var isReader: [DeviceKey: Bool] = [:]
    private var descriptorRequests: [UInt64: DeviceKey] = [:]
    private var assemblers: [StreamKey: MessageAssembler] = [:]
    private var lastFrame: [StreamKey: Int] = [:]
    private var openXfrBlocks: Set<ExchangeKey> = []

    public init(reportOtherTransfers: Bool = false) {
        self.reportOtherTransfers = reportOtherTransfers
    }

    public mutating func feed(frame: Int, _ packet: UsbmonPacket, emit: (Event) -> Void) {
        let device = DeviceKey(bus: packet.bus, device: packet.device)
        switch packet.transferType {
        case .control:
            noteConfigurationDescriptor(packet, device)
        case .bulk:
            if carriesBulkMessage(packet, device) {
                reassemble(frame: frame, packet, emit: emit)
                return
            }
        case .interrupt:
            if isReader[device] == true, packet.isIn, packet.event == .completion, packet.status == 0,
               !packet.data.isEmpty {
                emit(.message(CCIDRecord(frame: frame, direction: .in, pipe: .interrupt, endpoint: packet.endpoint,
                                         bus: packet.bus, device: packet.device, bytes: packet.data)))
                return
            }
        case .isochronous:
            break
        }
        if reportOtherTransfers { emit(.transfer(frame: frame, packet: packet)) }
    }

    /// Reports messages still being reassembled when the capture ended, as truncated.
    public mutating func finish(emit: (Event) -> Void) {
        for key in assemblers.keys.sorted(by: { lastFrame[$0, default: 0] < lastFrame[$1, default: 0] }) {
            let frame = lastFrame[key, default: 0]
            guard var assembler = assemblers.removeValue(forKey: key) else { continue }
            var leftovers: [([UInt8], Bool)] = []
            assembler.flush { bytes, truncated in leftovers.append((bytes, truncated)) }
            for (bytes, truncated) in leftovers {
                emit(.message(record(frame: frame, key: key, bytes: bytes, truncated: truncated)))
            }
        }
    }

    // MARK: - Which devices are readers

    private mutating func noteConfigurationDescriptor(_ packet: UsbmonPacket, _ device: DeviceKey) {
        if packet.event == .submission, let setup = packet.setup, setup.count == 8,
           setup[0] == 0x80, setup[1] == 0x06, setup[3] == 0x02 {
            descriptorRequests[packet.urbID] = device
        } else if packet.event != .submission, descriptorRequests.removeValue(forKey: packet.urbID) != nil,
                  packet.status == 0, packet.data.count >= 9 {
            let ccid = ConfigurationScan.hasCCIDInterface(packet.data)
            if ccid || packet.data.count >= Int(UInt16(packet.data[2]) | UInt16(packet.data[3]) << 8) {
                isReader[device] = ccid || isReader[device] == true
            }
        }
    }

    private mutating func carriesBulkMessage(_ packet: UsbmonPacket, _ device: DeviceKey) -> Bool {
        let carries = packet.isIn
            ? packet.event != .submission && packet.status == 0 && !packet.data.isEmpty
            : packet.event == .submission && !packet.data.isEmpty
        guard carries else { return false }
        if let known = isReader[device] { return known }
        guard !packet.isIn else { return false }
        let looksLikeCCID = packet.data.count >= 10 && CCIDMessageTypes.isCommand(packet.data[0])
        isReader[device] = looksLikeCCID
        return looksLikeCCID
    }

    // MARK: - Messages

    private mutating func reassemble(frame: Int, _ packet: UsbmonPacket, emit: (Event) -> Void) {
        let key = StreamKey(bus: packet.bus, device: packet.device, endpoint: packet.endpoint)
        lastFrame[key] = frame
        var assembler = assemblers.removeValue(forKey: key) ?? MessageAssembler()
        var completed = false
        assembler.append(packet.data) { bytes, truncated in
            completed = true
            emit(.message(record(frame: frame, key: key, bytes: bytes, truncated: truncated)))
        }
        assemblers[key] = assembler
        // The first part of a split message is still a transfer worth listing.
        if !completed, reportOtherTransfers { emit(.transfer(frame: frame, packet: packet)) }
    }

    private mutating func record(frame: Int, key: StreamKey, bytes: [UInt8], truncated: Bool) -> CCIDRecord {
        var record = CCIDRecord(frame: frame, direction: key.endpoint & 0x80 != 0 ? .in : .out, pipe: .bulk,
                                endpoint: key.endpoint, bus: key.bus, device: key.device, bytes: bytes,
                                truncated: truncated)
        if let header = record.header {
            let exchange = ExchangeKey(bus: key.bus, device: key.device, slot: header.bSlot, seq: header.bSeq)
            if record.direction == .out {
                if header.bMessageType == CCIDMessageTypes.xfrBlock { openXfrBlocks.insert(exchange) }
            } else if header.bMessageType == CCIDMessageTypes.dataBlock, openXfrBlocks.contains(exchange) {
                // A time-extension request is not the answer yet; the next DataBlock is.
                if header.specific.0 & 0xC0 != 0x80 {
                    record.answersXfrBlock = true
                    openXfrBlocks.remove(exchange)
                }
            }
        }
        return record
    }
}

/// Walks a configuration descriptor for an interface a CCID driver would take.
enum ConfigurationScan {
    static func hasCCIDInterface(_ blob: [UInt8]) -> Bool {
        var offset = 0
        var inVendorInterface = false
        while offset + 1 < blob.count {
            let length = Int(blob[offset])
            let type = blob[offset + 1]
            guard length >= 2 else { return false }
            if type == 0x04, offset + 5 < blob.count {
                let interfaceClass = blob[offset + 5]
                if interfaceClass == 0x0B { return true }
                inVendorInterface = interfaceClass == 0xFF
            } else if type == 0x21, length == 0x36, inVendorInterface {
                return true
            }
            offset += length
        }
        return false
    }
}
