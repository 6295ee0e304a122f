import Transcript

/// Finds the CCID conversation in a capture: which devices are CCID readers, their messages
/// reassembled, and which DataBlock answers which XfrBlock.
///
/// A device counts as a reader when the capture shows its configuration descriptor with a
/// CCID interface (class 0x0B, or a vendor-class interface carrying the 54-byte CCID class
/// descriptor as the cyberJack family does), or, when the capture began after enumeration,
/// when its first bulk OUT transfer is a well-formed PC_to_RDR message.
///
/// A capture holds a handful of devices and endpoints, so their state lives in small arrays
/// searched linearly from the last hit: cheaper than hashing on every packet.
public struct CaptureCCIDDecoder {
    /// What the decoder reports, in capture order.
    public enum Event {
        case message(CCIDRecord)
        /// A transfer that is not part of a CCID conversation (enumeration, other devices),
        /// reported only when `reportOtherTransfers` is set.
        case transfer(frame: Int, packet: UsbmonPacket)
    }

    private struct Device {
        var bus: UInt16
        var address: UInt8
        /// nil until the capture shows what the device is.
        var isReader: Bool?
        /// Commands awaiting their DataBlock whose answer the decoder reads further: the
        /// status word of an XfrBlock's, the ATR of an IccPowerOn's.
        var openXfrBlocks = OpenCommands()
        var openPowerOns = OpenCommands()
    }

    /// One bit per (slot, bSeq): is a command of one kind sent there still unanswered.
    private struct OpenCommands {
        private var bits = [UInt64](repeating: 0, count: 1024)

        mutating func set(slot: UInt8, seq: UInt8, _ open: Bool) {
            let bit = Int(slot) << 8 | Int(seq)
            if open { bits[bit >> 6] |= 1 << UInt64(bit & 63) }
            else { bits[bit >> 6] &= ~(1 << UInt64(bit & 63)) }
        }

        func isOpen(slot: UInt8, seq: UInt8) -> Bool {
            let bit = Int(slot) << 8 | Int(seq)
            return bits[bit >> 6] & (1 << UInt64(bit & 63)) != 0
        }
    }

    private struct Stream {
        var device: Int
        var endpoint: UInt8
        var assembler = MessageAssembler()
        var lastFrame = 0
    }

    public var reportOtherTransfers: Bool
    private var devices: [Device] = []
    private var streams: [Stream] = []
    private var lastDevice = 0
    private var lastStream = 0
    private var descriptorRequests: [(urb: UInt64, device: Int)] = []

    public init(reportOtherTransfers: Bool = false) {
        self.reportOtherTransfers = reportOtherTransfers
    }

    public mutating func feed(frame: Int, _ packet: UsbmonPacket, emit: (Event) -> Void) {
        packet.withView { feed(frame: frame, $0, emit: emit) }
    }

    /// One event as `CaptureReader.nextEvent` lends it: only what is kept gets copied.
    public mutating func feed(frame: Int, _ packet: UsbmonEventView, emit: (Event) -> Void) {
        let device = deviceIndex(bus: packet.bus, address: packet.device)
        switch packet.transferType {
        case .control:
            noteConfigurationDescriptor(packet, device)
        case .bulk:
            if carriesBulkMessage(packet, device) {
                reassemble(frame: frame, packet, device: device, emit: emit)
                return
            }
        case .interrupt:
            if devices[device].isReader == true, packet.isIn, packet.event == .completion, packet.status == 0,
               !packet.data.isEmpty {
                emit(.message(CCIDRecord(frame: frame, direction: .in, pipe: .interrupt, endpoint: packet.endpoint,
                                         bus: packet.bus, device: packet.device, bytes: Array(packet.data))))
                return
            }
        case .isochronous:
            break
        }
        if reportOtherTransfers { emit(.transfer(frame: frame, packet: packet.packet)) }
    }

    /// Reports messages still being reassembled when the capture ended, as truncated.
    public mutating func finish(emit: (Event) -> Void) {
        let order = streams.indices.sorted { streams[$0].lastFrame < streams[$1].lastFrame }
        for index in order {
            var leftovers: [([UInt8], Bool)] = []
            streams[index].assembler.flush { bytes, truncated in leftovers.append((bytes, truncated)) }
            for (bytes, truncated) in leftovers {
                emit(.message(record(frame: streams[index].lastFrame, stream: index, bytes: bytes, truncated: truncated)))
            }
        }
    }

    // MARK: - Devices and streams

    private mutating func deviceIndex(bus: UInt16, address: UInt8) -> Int {
        if lastDevice < devices.count, devices[lastDevice].bus == bus, devices[lastDevice].address == address {
            return lastDevice
        }
        if let found = devices.firstIndex(where: { $0.bus == bus && $0.address == address }) {
            lastDevice = found
            return found
        }
        devices.append(Device(bus: bus, address: address))
        lastDevice = devices.count - 1
        return lastDevice
    }

    private mutating func streamIndex(device: Int, endpoint: UInt8) -> Int {
        if lastStream < streams.count, streams[lastStream].device == device, streams[lastStream].endpoint == endpoint {
            return lastStream
        }
        if let found = streams.firstIndex(where: { $0.device == device && $0.endpoint == endpoint }) {
            lastStream = found
            return found
        }
        streams.append(Stream(device: device, endpoint: endpoint))
        lastStream = streams.count - 1
        return lastStream
    }

    // MARK: - Which devices are readers

    private mutating func noteConfigurationDescriptor(_ packet: UsbmonEventView, _ device: Int) {
        if packet.event == .submission, let setup = packet.setup, setup.count == 8,
           setup[0] == 0x80, setup[1] == 0x06, setup[3] == 0x02 {
            descriptorRequests.append((packet.urbID, device))
        } else if packet.event != .submission,
                  let pending = descriptorRequests.firstIndex(where: { $0.urb == packet.urbID && $0.device == device }) {
            descriptorRequests.remove(at: pending)
            guard packet.status == 0, packet.data.count >= 9 else { return }
            let ccid = ConfigurationScan.hasCCIDInterface(Array(packet.data))
            let complete = packet.data.count >= Int(UInt16(packet.data[2]) | UInt16(packet.data[3]) << 8)
            if ccid || complete { devices[device].isReader = ccid || devices[device].isReader == true }
        }
    }

    private mutating func carriesBulkMessage(_ packet: UsbmonEventView, _ device: Int) -> Bool {
        let carries = packet.isIn
            ? packet.event != .submission && packet.status == 0 && !packet.data.isEmpty
            : packet.event == .submission && !packet.data.isEmpty
        guard carries else { return false }
        if let known = devices[device].isReader { return known }
        guard !packet.isIn else { return false }
        let looksLikeCCID = packet.data.count >= 10 && CCIDMessageTypes.isCommand(packet.data[0])
        devices[device].isReader = looksLikeCCID
        return looksLikeCCID
    }

    // MARK: - Messages

    private mutating func reassemble(frame: Int, _ packet: UsbmonEventView, device: Int, emit: (Event) -> Void) {
        let stream = streamIndex(device: device, endpoint: packet.endpoint)
        streams[stream].lastFrame = frame
        var assembler = streams[stream].assembler
        streams[stream].assembler = MessageAssembler()   // keep the held buffer uniquely referenced
        var completed = false
        assembler.append(packet.data) { bytes, truncated in
            completed = true
            emit(.message(record(frame: frame, stream: stream, bytes: bytes, truncated: truncated)))
        }
        streams[stream].assembler = assembler
        // The first part of a split message is still a transfer worth listing.
        if !completed, reportOtherTransfers { emit(.transfer(frame: frame, packet: packet.packet)) }
    }

    private mutating func record(frame: Int, stream: Int, bytes: [UInt8], truncated: Bool) -> CCIDRecord {
        let endpoint = streams[stream].endpoint
        let device = streams[stream].device
        var record = CCIDRecord(frame: frame, direction: endpoint & 0x80 != 0 ? .in : .out, pipe: .bulk,
                                endpoint: endpoint, bus: devices[device].bus, device: devices[device].address,
                                bytes: bytes, truncated: truncated)
        if bytes.count >= 10 {
            let type = bytes[0], slot = bytes[5], seq = bytes[6]
            if record.direction == .out {
                // The newest command sent with this (slot, bSeq) is the one its reply answers.
                devices[device].openXfrBlocks.set(slot: slot, seq: seq, type == CCIDMessageTypes.xfrBlock)
                devices[device].openPowerOns.set(slot: slot, seq: seq, type == CCIDMessageTypes.iccPowerOn)
            } else if type == CCIDMessageTypes.dataBlock, bytes[7] & 0xC0 != 0x80 {
                // A time-extension request (bStatus 0x80) is not the answer yet; the next DataBlock is.
                if devices[device].openXfrBlocks.isOpen(slot: slot, seq: seq) {
                    record.answersXfrBlock = true
                    devices[device].openXfrBlocks.set(slot: slot, seq: seq, false)
                } else if devices[device].openPowerOns.isOpen(slot: slot, seq: seq) {
                    record.answersPowerOn = true
                    devices[device].openPowerOns.set(slot: slot, seq: seq, false)
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
