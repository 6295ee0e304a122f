/// USBPcap records a control transfer as stages (setup, data, status, or one "complete"
/// stage); usbmon records it as one submission carrying the SETUP packet and OUT data and
/// one completion carrying the IN data and status. This folds stages into that shape,
/// holding at most one event until the next record shows whether it continues it.
struct USBPcapControlFolder {
    struct Held {
        var packet: CapturedPacket
        var stage: USBPcapRecord.Stage
    }

    private(set) var held: Held?

    /// Feeds one control record; returns events that are now complete, in order.
    mutating func feed(_ record: USBPcapRecord, frame: Int, offset: Int,
                       seconds: Int64, microseconds: Int32) -> [CapturedPacket] {
        guard let stage = record.stage else { return [] }
        var out: [CapturedPacket] = []
        if var h = held {
            let p = h.packet.packet
            let sameTransfer = p.urbID == record.irpID && p.bus == record.bus
                && p.device == UInt8(truncatingIfNeeded: record.device)
            if sameTransfer, !record.isCompletion, p.event == .submission, h.stage == .setup,
               stage == .data {
                // OUT data stage: belongs to the held setup submission. One merge only, so
                // a crafted file cannot grow a held packet without bound.
                h.packet.packet.data += record.data
                h.stage = .data
                held = h
                return []
            }
            if sameTransfer, record.isCompletion, p.event == .completion, h.stage == .data,
               stage == .status || stage == .complete {
                h.packet.packet.status = USBPcapRecord.errno(forUSBD: record.usbdStatus)
                h.packet.packet.data += record.data
                h.packet.packet.length = UInt32(truncatingIfNeeded: h.packet.packet.data.count)
                held = nil
                return [h.packet]
            }
            out.append(h.packet)
            held = nil
        }
        var packet = record.usbmon(type: .control, seconds: seconds, microseconds: microseconds)
        let captured: CapturedPacket
        switch stage {
        case .setup where !record.isCompletion:
            let setup = Array(record.data.prefix(8)) + [UInt8](repeating: 0, count: max(0, 8 - record.data.count))
            packet.setup = setup
            packet.data = Array(record.data.dropFirst(8))
            // usbmon's submission length is the SETUP's wLength, the bytes asked for.
            packet.length = UInt32(setup[6]) | UInt32(setup[7]) << 8
            captured = CapturedPacket(frame: frame, offset: offset, packet: packet)
            held = Held(packet: captured, stage: stage)
            return out
        case .data where record.isCompletion:
            captured = CapturedPacket(frame: frame, offset: offset, packet: packet)
            held = Held(packet: captured, stage: stage)
            return out
        default:
            out.append(CapturedPacket(frame: frame, offset: offset, packet: packet))
            return out
        }
    }

    /// Releases the held event at end of input or before an error.
    mutating func flush() -> CapturedPacket? {
        defer { held = nil }
        return held?.packet
    }
}
