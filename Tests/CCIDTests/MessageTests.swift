import CCID
import Testing

@Suite struct MessageTests {
    static let verify = CCIDPINVerify(
        bTimeOut: 30, bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0x00,
        wPINMaxExtraDigit: 0x0408, bEntryValidationCondition: 0x02, bNumberMessage: 1, wLangId: 0x0409,
        bMsgIndex: 0, bTeoPrologue: [0, 0, 0], apdu: [0x00, 0x20, 0x00, 0x81, 0x08] + Array(repeating: 0xFF, count: 8))
    static let modify = CCIDPINModify(
        bmFormatString: 0x82, bmPINBlockString: 0x08, bmPINLengthFormat: 0, bInsertionOffsetOld: 0,
        bInsertionOffsetNew: 8, wPINMaxExtraDigit: 0x0608, bConfirmPIN: 0x03, bNumberMessage: 3,
        bMsgIndex: [0, 1, 2], apdu: [0x00, 0x24, 0x00, 0x81, 0x10] + Array(repeating: 0xFF, count: 16))
    static let ok = CCIDSlotStatus(icc: .presentActive, command: .processed)

    static let all: [CCIDMessagePayload] = [
        .iccPowerOn(powerSelect: 1), .iccPowerOff, .getSlotStatus,
        .xfrBlock(bwi: 2, levelParameter: 0x0010, data: [0x00, 0xA4, 0x04, 0x00]),
        .getParameters, .resetParameters,
        .setParameters(.t0(.init(bmFindexDindex: 0x96, bWaitingIntegerT0: 0x0A))),
        .setParameters(.t1(.init(bmFindexDindex: 0x96, bmTCCKST1: 0x10, bmWaitingIntegersT1: 0x5D, bIFSC: 0xFE))),
        .escape(data: [0x01, 0x02]), .iccClock(command: 1),
        .t0APDU(changes: 3, classGetResponse: 0x00, classEnvelope: 0x00),
        .secure(bwi: 0, levelParameter: 0, operation: .verify(verify)),
        .secure(bwi: 0, levelParameter: 0, operation: .modify(modify)),
        .secure(bwi: 0, levelParameter: 0, operation: .other(operation: 4, data: [])),
        .mechanical(function: 2), .abort,
        .setDataRateAndClockFrequency(clockFrequency: 4000, dataRate: 10752),
        .dataBlock(status: ok, error: CCIDSlotError(rawValue: 0), chainParameter: 0, data: [0x90, 0x00]),
        .slotStatus(status: CCIDSlotStatus(icc: .absent, command: .failed), error: .iccMute, clockStatus: 0),
        .parameters(status: ok, error: CCIDSlotError(rawValue: 0), .t1(.init())),
        .escapeResponse(status: ok, error: CCIDSlotError(rawValue: 0), data: [0xAA]),
        .dataRateAndClockFrequency(status: ok, error: CCIDSlotError(rawValue: 0), clockFrequency: 4800, dataRate: 9600),
    ]

    @Test(arguments: all)
    func roundTrip(payload: CCIDMessagePayload) throws {
        let message = CCIDMessage(slot: 1, sequence: 0x42, payload: payload)
        let bytes = message.encode()
        #expect(bytes[0] == payload.messageType && bytes[5] == 1 && bytes[6] == 0x42)
        #expect(Int(bytes[1]) | Int(bytes[2]) << 8 == bytes.count - 10)
        #expect(try CCIDMessage(parsing: bytes) == message)
        #expect(message.name.hasPrefix("PC_to_RDR_") || message.name.hasPrefix("RDR_to_PC_"))
    }

    @Test func xfrBlockBytesAreTheSpecLayout() throws {
        let bytes = CCIDMessage(slot: 0, sequence: 7, payload: .xfrBlock(bwi: 0, levelParameter: 0, data: [0x00, 0x84, 0x00, 0x00, 0x08])).encode()
        #expect(bytes == [0x6F, 0x05, 0, 0, 0, 0x00, 0x07, 0, 0, 0, 0x00, 0x84, 0x00, 0x00, 0x08])
        #expect(CCIDMessage(slot: 0, sequence: 1, payload: .iccPowerOn(powerSelect: 0)).encode()
                == [0x62, 0, 0, 0, 0, 0, 1, 0, 0, 0])
    }

    @Test func pinVerifyLayout() throws {
        let data = CCIDPINOperation.verify(Self.verify).encode()
        #expect(Array(data.prefix(15)) == [0x00, 30, 0x82, 0x08, 0x00, 0x08, 0x04, 0x02, 0x01, 0x09, 0x04, 0x00, 0, 0, 0])
        #expect(Self.verify.minimumPINSize == 4 && Self.verify.maximumPINSize == 8)
        // bNumberMessage 1 carries one bMsgIndex.
        var one = Self.modify
        one.bNumberMessage = 1
        #expect(one.encode().count == Self.modify.encode().count - 2)
        #expect(try CCIDPINModify(parsing: one.encode()).bMsgIndex == [0])
    }

    @Test func lengthErrorsNameFieldAndOffset() {
        let block: [UInt8] = [0x80, 0x05, 0, 0, 0, 0, 1, 0, 0, 0, 0x90, 0x00]
        #expect { try CCIDMessage(parsing: block) } throws: {
            ($0 as? CCIDError).map { $0.code == .truncated && $0.field == "abData" && $0.offset == 10 } ?? false
        }
        #expect { try CCIDMessage(parsing: [0x80, 0x01, 0, 0, 0, 0, 1, 0, 0, 0, 0x90, 0x00]) } throws: {
            ($0 as? CCIDError).map { $0.code == .lengthMismatch && $0.field == "dwLength" && $0.offset == 1 } ?? false
        }
        #expect { try CCIDMessage(parsing: [0x80, 0x01, 0, 0, 0]) } throws: {
            ($0 as? CCIDError).map { $0.code == .truncated && $0.field == "bSlot" && $0.offset == 5 } ?? false
        }
        #expect { try CCIDMessage(parsing: [0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0]) } throws: {
            ($0 as? CCIDError)?.code == .unknownMessageType
        }
        #expect { try CCIDMessage(parsing: [0x62, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]) } throws: {
            ($0 as? CCIDError)?.code == .lengthMismatch
        }
        // A 4 GiB dwLength must not overflow or allocate.
        #expect(throws: CCIDError.self) { try CCIDMessage(parsing: [0x6F, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0]) }
        // Truncated PIN structure names the field with its offset in the whole message.
        #expect { try CCIDMessage(parsing: [0x69, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 30, 0x82]) } throws: {
            ($0 as? CCIDError).map { $0.field == "bmPINBlockString" && $0.offset == 13 } ?? false
        }
    }

    @Test func statusAndErrors() {
        let status = CCIDSlotStatus(rawValue: 0x41)
        #expect(status.icc == .presentInactive && status.command == .failed)
        #expect(CCIDSlotStatus(rawValue: 0x82).icc == .absent)
        #expect(CCIDSlotStatus(rawValue: 0x82).command == .timeExtensionRequested)
        #expect(CCIDSlotError.pinTimeout.name == "PIN_TIMEOUT")
        #expect(CCIDSlotError.pinCancelled.name == "PIN_CANCELLED")
        #expect(CCIDSlotError(rawValue: 0x05).name == "BAD_PARAMETER_5")
        #expect(CCIDSlotError(rawValue: 0x00).name == "CMD_NOT_SUPPORTED")
        for raw in UInt8.min...UInt8.max { #expect(!CCIDSlotError(rawValue: raw).meaning.isEmpty) }
    }

    @Test func responseMatcher() throws {
        func frame(seq: UInt8, status: UInt8, error: UInt8) -> [UInt8] {
            [0x80, 0, 0, 0, 0, 0, seq, status, error, 0]
        }
        #expect(try CCIDResponseMatcher.classify(expectedSequence: 5, frame: frame(seq: 4, status: 0, error: 0)) == .stale(received: 4))
        #expect(try CCIDResponseMatcher.classify(expectedSequence: 5, frame: frame(seq: 5, status: 0x80, error: 3)) == .timeExtension(multiplier: 3))
        #expect(try CCIDResponseMatcher.classify(expectedSequence: 5, frame: frame(seq: 5, status: 0x40, error: 0xE0)) == .slotBusy)
        #expect(try CCIDResponseMatcher.classify(expectedSequence: 5, frame: frame(seq: 5, status: 0x40, error: 0xF0))
                == .failed(.pinTimeout, CCIDSlotStatus(rawValue: 0x40)))
        guard case .ok(let message) = try CCIDResponseMatcher.classify(expectedSequence: 5, frame: frame(seq: 5, status: 0, error: 0)) else {
            Issue.record("expected ok"); return
        }
        #expect(message.name == "RDR_to_PC_DataBlock")
        #expect(throws: CCIDError.self) { try CCIDResponseMatcher.classify(expectedSequence: 0, frame: [0x62, 0, 0, 0, 0, 0, 0, 0, 0, 0]) }
    }

    @Test func interruptMessages() throws {
        // Slot 0 present+changed, slot 1 absent, slot 2 present, slot 5 changed (removed).
        let bytes: [UInt8] = [0x50, 0b0001_0011, 0b0000_1000]
        guard case .notifySlotChange(let slots) = try CCIDInterruptMessage(parsing: bytes) else {
            Issue.record("not a slot change"); return
        }
        #expect(slots.count == 8)
        #expect(slots[0] == .init(present: true, changed: true) && slots[1] == .init(present: false, changed: false))
        #expect(slots[2] == .init(present: true, changed: false) && slots[5] == .init(present: false, changed: true))
        #expect(CCIDInterruptMessage.notifySlotChange(slots).encode() == bytes)
        #expect(try CCIDInterruptMessage(parsing: [0x51, 0, 3, 1]) == .hardwareError(slot: 0, sequence: 3, code: 1))
        #expect(throws: CCIDError.self) { try CCIDInterruptMessage(parsing: [0x50]) }
        #expect(throws: CCIDError.self) { try CCIDInterruptMessage(parsing: [0x51, 0]) }
    }

    @Test func classRequests() throws {
        #expect(CCIDClassRequest.abort(interface: 1, slot: 0, sequence: 9).setupPacket == [0x21, 0x01, 0x00, 0x09, 0x01, 0x00, 0x00, 0x00])
        #expect(CCIDClassRequest.getClockFrequencies(interface: 0, count: 2).setupPacket == [0xA1, 0x02, 0, 0, 0, 0, 8, 0])
        #expect(CCIDClassRequest.getDataRates(interface: 0, count: 3).wLength == 12)
        #expect(try CCIDClassRequest.parseValues([0xA0, 0x0F, 0, 0, 0x00, 0x2A, 0, 0]) == [4000, 10752])
        #expect(throws: CCIDError.self) { try CCIDClassRequest.parseValues([1, 2, 3]) }
    }
}
