import CCID
import USBLink

/// Control transfers: the CCID class requests (§5.3) and standard GET_DESCRIPTOR. Anything
/// else stalls, as a device does with a request it does not know.
extension SimulatedCCIDReader {
    public func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        try checkUsable()
        switch (setup.bmRequestType, setup.bRequest) {
        case (0x21, CCIDClassRequest.abortRequest):
            abortClassRequest(slot: UInt8(truncatingIfNeeded: setup.wValue), sequence: UInt8(truncatingIfNeeded: setup.wValue >> 8))
            return []
        case (0xA1, CCIDClassRequest.getClockFrequenciesRequest):
            return try values(profile.clockFrequencies, setup, "GET_CLOCK_FREQUENCIES")
        case (0xA1, CCIDClassRequest.getDataRatesRequest):
            return try values(profile.dataRates, setup, "GET_DATA_RATES")
        case (0x80, 0x06):
            let type = UInt8(truncatingIfNeeded: setup.wValue >> 8)
            let index = UInt8(truncatingIfNeeded: setup.wValue)
            let descriptor: [UInt8]?
            switch type {
            case 0x01: descriptor = USBDescriptors.device(profile)
            case 0x02: descriptor = USBDescriptors.configuration(profile)
            case 0x03: descriptor = USBDescriptors.string(index, profile)
            default: descriptor = nil
            }
            guard let descriptor else { throw .stall("no descriptor of type \(type) index \(index)") }
            return Array(descriptor.prefix(Int(setup.wLength)))
        default:
            throw .stall("request 0x\(hex2(setup.bRequest)) type 0x\(hex2(setup.bmRequestType)) not supported")
        }
    }

    private func values(_ list: [UInt32], _ setup: USBControlSetup, _ name: String) throws(USBError) -> [UInt8] {
        // Readers with bNum...Supported 0 stall these requests (libccid's parse shows "Broken pipe").
        guard !list.isEmpty else { throw .stall("\(name) not supported by this reader") }
        var out: [UInt8] = []
        for value in list { out.appendLE32(value) }
        return Array(out.prefix(Int(setup.wLength)))
    }

    /// The ABORT class request: whatever the slot had in flight is answered CMD_ABORTED in
    /// place of its reply, and the following PC_to_RDR_Abort completes the sequence.
    private func abortClassRequest(slot: UInt8, sequence: UInt8) {
        abortRequested[slot] = sequence
        var aborted: [UInt8]?
        for reply in replies.pending where reply.count >= CCIDMessage.headerLength && reply[5] == slot {
            aborted = reply
            break
        }
        guard let aborted else { return }
        replies.removeAll { $0.count >= CCIDMessage.headerLength && $0[5] == slot }
        if slots.indices.contains(Int(slot)) {
            slots[Int(slot)].commandChain = []
            slots[Int(slot)].responseChain = []
            slots[Int(slot)].responseOffset = 0
        }
        let icc: CCIDSlotStatus.ICCStatus = slots.indices.contains(Int(slot)) ? slots[Int(slot)].iccStatus : .absent
        replies.push(Self.failure(type: aborted[0], slot: slot, sequence: aborted[6],
                                  status: CCIDSlotStatus(icc: icc, command: .failed), error: .cmdAborted))
    }
}
