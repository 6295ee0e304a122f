import CCID

/// PC_to_RDR handling (CCID 1.1 §6.1): one reply per command, of the type §6.2 pairs with it.
extension SimulatedCCIDReader {
    func handle(_ bytes: [UInt8]) {
        let message: CCIDMessage
        do {
            message = try CCIDMessage(parsing: bytes)
        } catch {
            rejectUnparsable(bytes, error)
            return
        }
        guard !message.payload.isResponse else {
            send(message, failed: .commandNotSupported, icc: .absent)
            return
        }
        let slot = Int(message.slot)
        guard slots.indices.contains(slot) else {
            // bError names the offending field by its offset: bSlot is byte 5.
            send(message, failed: CCIDSlotError(rawValue: 5), icc: .absent)
            return
        }
        if message.payload != .abort, isBusy(slot: message.slot) {
            send(message, failed: .cmdSlotBusy)
            return
        }
        switch message.payload {
        case .iccPowerOn(let select): powerOn(message, select: select)
        case .iccPowerOff:
            slots[slot].powerOff()
            send(message)
        case .getSlotStatus:
            if !slots[slot].present { send(message, failed: .iccMute) } else { send(message) }
        case .xfrBlock(_, let level, let data): transfer(message, level: level, data: data)
        case .getParameters: parameters(message, set: nil)
        case .resetParameters: parameters(message, set: slots[slot].atrParameters)
        case .setParameters(let requested): setParameters(message, requested)
        case .escape(let data): escape(message, data)
        case .iccClock:
            if requireActiveCard(message) { send(message) }
        case .secure(_, _, let operation): secure(message, operation)
        case .abort:
            abortRequested[message.slot] = nil
            send(message)
        case .setDataRateAndClockFrequency:
            // The reader keeps its defaults and reports them, as readers without the feature do.
            enqueue(CCIDMessage(slot: message.slot, sequence: message.sequence, payload: .dataRateAndClockFrequency(
                status: status(slot), error: CCIDSlotError(rawValue: 0),
                clockFrequency: profile.descriptor.dwDefaultClock, dataRate: profile.descriptor.dwDataRate)).encode())
        default:
            // T0APDU, Mechanical: no reader copied here has them.
            send(message, failed: .commandNotSupported)
        }
    }

    // MARK: Power

    private func powerOn(_ message: CCIDMessage, select: UInt8) {
        let slot = Int(message.slot)
        guard let card = slots[slot].card else { return send(message, failed: .iccMute) }
        let supported = profile.descriptor.bVoltageSupport
        let classes: [UInt8]
        switch select {
        case 0: classes = [1, 2, 4].filter { supported & $0 != 0 }
        case 1...3: classes = [UInt8(1) << (select - 1)]
        default: classes = []
        }
        // bPowerSelect is byte 7; a class the reader lacks is a bad parameter there.
        guard !classes.isEmpty, classes.allSatisfy({ supported & $0 != 0 }) else {
            return send(message, failed: CCIDSlotError(rawValue: 7))
        }
        guard classes.contains(where: { card.voltages.rawValue & $0 != 0 }) else {
            slots[slot].powerOff()
            return send(message, failed: .iccMute)
        }
        var reset = card
        reset.reset()
        slots[slot].card = reset
        slots[slot].activate(atr: reset.atr)
        send(message, data: reset.atr)
    }

    // MARK: XfrBlock

    private func transfer(_ message: CCIDMessage, level: UInt16, data: [UInt8]) {
        guard requireActiveCard(message) else { return }
        let slot = Int(message.slot)
        guard var card = slots[slot].card else { return }
        // Out of the slot while it works, so the card's storage is not shared (no copy-on-write).
        slots[slot].card = nil
        defer { slots[slot].card = card }
        switch profile.exchangeLevel {
        case .tpdu, .character:
            // At the TPDU level the host negotiates PPS itself; the card accepts what it
            // offered and echoes the request.
            if slots[slot].ppsAllowed, data.first == 0xFF, (try? PPS(parsing: data)) != nil {
                slots[slot].ppsAllowed = false
                send(message, data: data)
                return
            }
            slots[slot].ppsAllowed = false
            guard slots[slot].parameters.protocolNumber == 1 else {
                let answer = slots[slot].t0.receive(data, card: &card)
                sendTimeExtensions(message, count: card.timeExtensions)
                return send(message, data: answer)
            }
            guard let answer = t1Line(slot: slot, data, card: &card) else { return send(message, failed: .iccMute) }
            sendTimeExtensions(message, count: card.timeExtensions)
            send(message, data: answer)
        case .shortAPDU:
            let answer = card.process(apdu: data)
            sendTimeExtensions(message, count: card.timeExtensions)
            send(message, data: answer)
        case .extendedAPDU:
            extendedTransfer(message, level: level, data: data, card: &card)
        }
    }

    /// One T=1 block to the card and its answer back, through the next queued line event;
    /// nil when the card stays mute or its answer is lost (the reader then says ICC_MUTE).
    func t1Line(slot: Int, _ block: [UInt8], card: inout any SimulatedCard) -> [UInt8]? {
        let event = lineEvents.isEmpty ? nil : lineEvents.removeFirst()
        switch event {
        case .blockToCardLost:
            return nil
        case .answerLost:
            _ = slots[slot].t1.receive(block, card: &card)
            return nil
        case .answerCorrupted:
            var answer = slots[slot].t1.receive(block, card: &card)
            if !answer.isEmpty { answer[answer.count - 1] ^= 0x01 }
            return answer
        case .cardRequestsIFS(let ifsc):
            slots[slot].t1.requestIFS(ifsc)
            return slots[slot].t1.receive(block, card: &card)
        case nil:
            return slots[slot].t1.receive(block, card: &card)
        }
    }

    /// wLevelParameter chaining (CCID 1.1 §6.1.4): 1 begins a command, 3 continues it, 2 ends
    /// it; 0x10 asks for the next part of a long response, whose parts carry bChainParameter
    /// 1 (begins), 3 (continues) and 2 (ends). Each command part gets an empty DataBlock
    /// with bChainParameter 0x10 ("send the rest").
    private func extendedTransfer(_ message: CCIDMessage, level: UInt16, data: [UInt8], card: inout any SimulatedCard) {
        let slot = Int(message.slot)
        switch level {
        case 0x0000, 0x0002:
            let apdu = level == 0 ? data : slots[slot].commandChain + data
            slots[slot].commandChain = []
            let answer = card.process(apdu: apdu)
            sendTimeExtensions(message, count: card.timeExtensions)
            slots[slot].responseChain = answer
            slots[slot].responseOffset = 0
            sendResponsePart(message)
        case 0x0001:
            slots[slot].commandChain = data
            send(message, data: [], chain: 0x10)
        case 0x0003:
            guard !slots[slot].commandChain.isEmpty else { return send(message, failed: CCIDSlotError(rawValue: 8)) }
            slots[slot].commandChain += data
            send(message, data: [], chain: 0x10)
        case 0x0010:
            guard slots[slot].responseOffset > 0, slots[slot].responseOffset < slots[slot].responseChain.count else {
                return send(message, failed: CCIDSlotError(rawValue: 8))
            }
            sendResponsePart(message)
        default:
            // wLevelParameter is bytes 8-9.
            send(message, failed: CCIDSlotError(rawValue: 8))
        }
    }

    private func sendResponsePart(_ message: CCIDMessage) {
        let slot = Int(message.slot)
        let total = slots[slot].responseChain.count
        let start = slots[slot].responseOffset
        let end = min(total, start + profile.maxMessageData)
        let chain: UInt8
        switch (start == 0, end == total) {
        case (true, true): chain = 0x00
        case (true, false): chain = 0x01
        case (false, false): chain = 0x03
        case (false, true): chain = 0x02
        }
        let part = Array(slots[slot].responseChain[start..<end])
        if end == total {
            slots[slot].responseChain = []
            slots[slot].responseOffset = 0
        } else {
            slots[slot].responseOffset = end
        }
        send(message, data: part, chain: chain)
    }

    func sendTimeExtensions(_ message: CCIDMessage, count: Int) {
        guard count > 0 else { return }
        let status = CCIDSlotStatus(icc: slots[Int(message.slot)].iccStatus, command: .timeExtensionRequested)
        // bError of a time extension is the BWT multiplier.
        let ext = CCIDMessage(slot: message.slot, sequence: message.sequence,
                              payload: .dataBlock(status: status, error: CCIDSlotError(rawValue: 1),
                                                  chainParameter: 0, data: [])).encode()
        for _ in 0..<count { enqueue(ext) }
    }

    // MARK: Parameters

    private func parameters(_ message: CCIDMessage, set newValue: CCIDProtocolData?) {
        guard requireActiveCard(message) else { return }
        let slot = Int(message.slot)
        if let newValue { slots[slot].parameters = newValue }
        sendParameters(message, status: status(slot), error: CCIDSlotError(rawValue: 0))
    }

    private func setParameters(_ message: CCIDMessage, _ requested: CCIDProtocolData) {
        guard requireActiveCard(message) else { return }
        let slot = Int(message.slot)
        if let offset = invalidParameterOffset(requested, card: slots[slot].card) {
            let failed = CCIDSlotStatus(icc: slots[slot].iccStatus, command: .failed)
            return sendParameters(message, status: failed, error: CCIDSlotError(rawValue: offset))
        }
        if requested.protocolNumber != slots[slot].parameters.protocolNumber {
            // A protocol switch starts the new protocol's state afresh.
            slots[slot].t0 = CardT0Engine()
            if let atr = slots[slot].card.flatMap({ try? ATR(parsing: $0.atr) }) { slots[slot].t1 = CardT1Engine(atr: atr) }
        }
        slots[slot].parameters = requested
        sendParameters(message, status: status(slot), error: CCIDSlotError(rawValue: 0))
    }

    /// The offset of the first unacceptable field (bError's convention), nil when all are fine.
    private func invalidParameterOffset(_ requested: CCIDProtocolData, card: (any SimulatedCard)?) -> UInt8? {
        let validFi: Set<UInt8> = [0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 12, 13]
        let validDi: Set<UInt8> = [1, 2, 3, 4, 5, 6, 7, 8, 9]
        func clockRate(_ value: UInt8) -> Bool { validFi.contains(value >> 4) && validDi.contains(value & 0x0F) }
        switch requested {
        case .t0(let p):
            guard profile.descriptor.dwProtocols & 1 != 0, card?.protocols.contains(.t0) ?? false else { return 7 }
            if !clockRate(p.bmFindexDindex) { return 10 }
            if p.bmTCCKST0 & ~0x02 != 0 { return 11 }
            if p.bClockStop > 3 { return 14 }
        case .t1(let p):
            guard profile.descriptor.dwProtocols & 2 != 0, card?.protocols.contains(.t1) ?? false else { return 7 }
            if !clockRate(p.bmFindexDindex) { return 10 }
            if p.bmTCCKST1 & 0xFC != 0x10 { return 11 }
            if p.bmWaitingIntegersT1 >> 4 > 9 { return 13 }
            if p.bClockStop > 3 { return 14 }
            if p.bIFSC == 0 || p.bIFSC == 0xFF { return 15 }
            if p.bNadValue != 0 { return 16 }
        case .raw(let number, _):
            // A known protocol with the wrong structure length is a dwLength problem.
            return number <= 1 ? 1 : 7
        }
        return nil
    }

    private func sendParameters(_ message: CCIDMessage, status: CCIDSlotStatus, error: CCIDSlotError) {
        enqueue(CCIDMessage(slot: message.slot, sequence: message.sequence,
                            payload: .parameters(status: status, error: error, slots[Int(message.slot)].parameters))
            .encode())
    }

    // MARK: Replies

    func status(_ slot: Int) -> CCIDSlotStatus {
        CCIDSlotStatus(icc: slots[slot].iccStatus, command: .processed)
    }

    func isBusy(slot: UInt8) -> Bool {
        replies.pending.contains { $0.count >= CCIDMessage.headerLength && $0[5] == slot }
    }

    /// Commands that need a powered card fail like real readers do: ICC_MUTE, with bmICCStatus
    /// saying absent (0x42) or present but inactive (0x41).
    func requireActiveCard(_ message: CCIDMessage) -> Bool {
        guard slots[Int(message.slot)].powered else {
            send(message, failed: .iccMute)
            return false
        }
        return true
    }

    /// The success reply for `message`'s type: a DataBlock with `data`, or a SlotStatus.
    func send(_ message: CCIDMessage, data: [UInt8] = [], chain: UInt8 = 0) {
        let slot = Int(message.slot)
        let payload: CCIDMessagePayload
        switch message.payload {
        case .iccPowerOn, .xfrBlock, .secure:
            payload = .dataBlock(status: status(slot), error: CCIDSlotError(rawValue: 0), chainParameter: chain, data: data)
        default:
            payload = .slotStatus(status: status(slot), error: CCIDSlotError(rawValue: 0), clockStatus: 0)
        }
        enqueue(CCIDMessage(slot: message.slot, sequence: message.sequence, payload: payload).encode())
    }

    /// A failed reply of the type that answers `message`.
    func send(_ message: CCIDMessage, failed error: CCIDSlotError, icc: CCIDSlotStatus.ICCStatus? = nil) {
        let icc = icc ?? slots[Int(message.slot)].iccStatus
        let type: UInt8
        switch message.payload {
        case .iccPowerOn, .xfrBlock, .secure: type = 0x80
        case .getParameters, .resetParameters, .setParameters: type = 0x82
        case .escape: type = 0x83
        case .setDataRateAndClockFrequency: type = 0x84
        default: type = 0x81
        }
        enqueue(Self.failure(type: type, slot: message.slot, sequence: message.sequence,
                             status: CCIDSlotStatus(icc: icc, command: .failed), error: error))
    }

    /// A header-only reply, built raw so a failure never depends on decoding the command.
    static func failure(type: UInt8, slot: UInt8, sequence: UInt8, status: CCIDSlotStatus,
                        error: CCIDSlotError) -> [UInt8] {
        [type, 0, 0, 0, 0, slot, sequence, status.rawValue, error.rawValue, 0]
    }

    /// A message the reader cannot decode still gets an answer when its header is whole:
    /// an unknown type is CMD_NOT_SUPPORTED, a bad length names dwLength (offset 1).
    private func rejectUnparsable(_ bytes: [UInt8], _ error: CCIDError) {
        guard bytes.count >= CCIDMessage.headerLength else { return }
        let code: CCIDSlotError = error.code == .unknownMessageType ? .commandNotSupported : CCIDSlotError(rawValue: 1)
        let slot = bytes[5]
        let icc = slots.indices.contains(Int(slot)) ? slots[Int(slot)].iccStatus : .absent
        enqueue(Self.failure(type: 0x81, slot: slot, sequence: bytes[6],
                             status: CCIDSlotStatus(icc: icc, command: .failed), error: code))
    }

    /// Queues a reply, applying the next injected fault to it.
    func enqueue(_ reply: [UInt8]) {
        let previous = lastReply
        lastReply = reply
        guard !faults.isEmpty else { return replies.push(reply) }
        switch faults.removeFirst() {
        case .previousAnswerFirst:
            if !previous.isEmpty { replies.push(previous) }
            replies.push(reply)
        case .staleFrameFirst:
            var stale = reply
            stale[6] &-= 1
            replies.push(stale)
            replies.push(reply)
        case .garbageFirst(let garbage):
            replies.push(garbage)
            replies.push(reply)
        case .wrongLength(let delta):
            var wrong = reply
            let length = UInt32(truncatingIfNeeded: max(0, reply.count - CCIDMessage.headerLength + delta))
            for index in 0..<4 { wrong[1 + index] = UInt8(truncatingIfNeeded: length >> (8 * UInt32(index))) }
            replies.push(wrong)
        case .split(let size):
            var offset = 0
            let step = max(1, size)
            while offset < reply.count {
                replies.push(Array(reply[offset..<min(reply.count, offset + step)]))
                offset += step
            }
        case .silence:
            break
        }
    }
}
