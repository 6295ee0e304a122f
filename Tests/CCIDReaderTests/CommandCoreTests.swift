import CCID
@testable import CCIDReader
import Testing
import USBLink

/// The command/response core: bSeq, stale frames, time extensions, busy retries, aborts,
/// malformed answers, split answers.
@Suite struct CommandCoreTests {
    @Test func staleSequenceIsDroppedAndTheRightAnswerTaken() async throws {
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)),
            .reply(dataBlock(seq: 0xFE, [0x90, 0x00])),      // a late answer to an abandoned command
            .reply(slotStatus(seq: 0, status: 0x01)),
        ])
        let reader = try makeReader(link)
        let status = try await reader.slotStatus()
        #expect(status == .presentInactive)
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
    }

    @Test func timeExtensionsAreHonouredAsOftenAsAsked() async throws {
        var steps: [ScriptedLink.Step] = [.out(xfrBlock(seq: 0, [0x00, 0xB0, 0x00, 0x00, 0x00]))]
        for multiplier in [1, 2, 0, 5, 1, 1, 3] as [UInt8] {
            steps.append(.reply(dataBlock(seq: 0, status: 0x80, error: multiplier)))
        }
        steps.append(.reply(dataBlock(seq: 0, [0x01, 0x90, 0x00])))
        let link = ScriptedLink(steps)
        let reader = try makeReader(link)
        let answer = try await reader.xfrBlock([0x00, 0xB0, 0x00, 0x00, 0x00])
        #expect(answer.data == [0x01, 0x90, 0x00])
        #expect(await link.remaining == 0)
    }

    @Test func slotBusyIsRetriedWithAFreshSequence() async throws {
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)), .reply(slotStatus(seq: 0, status: 0x41, error: 0xE0)),
            .out(getSlotStatus(seq: 1)), .reply(slotStatus(seq: 1, status: 0x41, error: 0xE0)),
            .out(getSlotStatus(seq: 2)), .reply(slotStatus(seq: 2, status: 0x00)),
        ])
        let reader = try makeReader(link)
        #expect(try await reader.slotStatus() == .presentActive)
        #expect(await link.remaining == 0)
    }

    @Test func slotBusyForeverEndsInSlotBusy() async throws {
        var steps: [ScriptedLink.Step] = []
        for seq in 0...5 as ClosedRange<UInt8> {
            steps += [.out(getSlotStatus(seq: seq)), .reply(slotStatus(seq: seq, status: 0x41, error: 0xE0))]
        }
        let link = ScriptedLink(steps)
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(error?.code == .slotBusy)
        #expect(await link.remaining == 0)
    }

    @Test func timeoutRunsTheAbortProcedureAndTheNextCommandWorks() async throws {
        let abortSetup = USBControlSetup(bmRequestType: 0x21, bRequest: 0x01, wValue: 0x0100, wIndex: 0, wLength: 0)
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, [0x00, 0x84, 0x00, 0x00, 0x08])),
            .silence,
            .control(abortSetup),                                  // bSeq 1 high, slot 0 low
            .out(message(0x72, seq: 1)),                           // PC_to_RDR_Abort, same bSeq
            .reply(dataBlock(seq: 0, status: 0x40, error: 0xFF)),  // the aborted command's late answer
            .reply(slotStatus(seq: 1)),
            .out(getSlotStatus(seq: 2)), .reply(slotStatus(seq: 2, status: 0x00)),
        ])
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) {
            _ = try await reader.xfrBlock([0x00, 0x84, 0x00, 0x00, 0x08])
        }
        #expect(error?.code == .timeout)
        #expect(try await reader.slotStatus() == .presentActive)
        #expect(await link.remaining == 0)
        #expect(await link.failures.isEmpty)
        #expect(await reader.isFaulty == false)
    }

    @Test func garbageIsAClearProtocolError() async throws {
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)), .reply([0x99, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
        ])
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(error?.code == .protocolError)
        #expect(error?.description.contains("0x99 is not a CCID 1.1 bulk message type") == true)
    }

    @Test func wrongLengthWrongSlotAndWrongTypeAreProtocolErrors() async throws {
        let tooLong = slotStatus(seq: 0) + [0xAA]          // three bytes more than dwLength says
        let link = ScriptedLink([
            .out(getSlotStatus(seq: 0)), .reply(tooLong),
            .out(getSlotStatus(seq: 1)), .reply(slotStatus(seq: 1, slot: 1)),
            .out(powerOff(seq: 2)), .reply(dataBlock(seq: 2)),
        ])
        let reader = try makeReader(link, slots: 2)
        let e1 = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(e1?.code == .protocolError)
        #expect(e1?.description.contains("dwLength") == true)
        let e2 = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(e2?.description.contains("answered for slot 1") == true)
        let e3 = await #expect(throws: CCIDReaderError.self) { try await reader.powerOff() }
        #expect(e3?.description.contains("answered with RDR_to_PC_DataBlock") == true)
        // Three failures in a row: the reader is now faulty and no I/O happens any more.
        #expect(await reader.isFaulty)
        let e4 = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(e4?.code == .readerFault)
        #expect(await link.sent.count == 3)
    }

    @Test func aSplitAnswerIsReassembledByDwLength() async throws {
        let data = (0..<40).map { UInt8($0) } + [0x90, 0x00]
        let whole = dataBlock(seq: 0, data)
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, [0x00, 0xB0, 0x00, 0x00, 0x28])),
            .reply(Array(whole[0..<6])), .reply(Array(whole[6..<30])), .reply(Array(whole[30...])),
        ])
        let reader = try makeReader(link)
        let answer = try await reader.xfrBlock([0x00, 0xB0, 0x00, 0x00, 0x28])
        #expect(answer.data == data)
        #expect(await link.remaining == 0)
    }

    @Test func anAnswerCutShortIsAnErrorNotAHang() async throws {
        let whole = dataBlock(seq: 0, [1, 2, 3, 0x90, 0x00])
        let link = ScriptedLink([.out(getSlotStatus(seq: 0)), .reply(Array(whole[0..<12])), .silence])
        let reader = try makeReader(link)
        let error = await #expect(throws: CCIDReaderError.self) { _ = try await reader.slotStatus() }
        #expect(error?.code == .protocolError)
        #expect(error?.description.contains("cut short: 12 of 15 bytes") == true)
    }

    @Test func aFailedCommandMapsBErrorToACode() async throws {
        let link = ScriptedLink([
            .out(xfrBlock(seq: 0, [0x00, 0xCA, 0x00, 0x00, 0x00])), .reply(dataBlock(seq: 0, status: 0x42, error: 0xFE)),
            .out(xfrBlock(seq: 1, [0x00, 0xCA, 0x00, 0x00, 0x00])), .reply(dataBlock(seq: 1, status: 0x40, error: 0xFE)),
        ])
        let reader = try makeReader(link)
        let absent = await #expect(throws: CCIDReaderError.self) { _ = try await reader.xfrBlock([0x00, 0xCA, 0x00, 0x00, 0x00]) }
        #expect(absent?.code == .cardAbsent)
        let mute = await #expect(throws: CCIDReaderError.self) { _ = try await reader.xfrBlock([0x00, 0xCA, 0x00, 0x00, 0x00]) }
        #expect(mute?.code == .cardMute)
        #expect(mute?.slotError == .iccMute)
    }
}

/// What an XfrBlock carried (an APDU writing a share) does not stay in the reader's reused
/// command buffer once sent, whether the transfer succeeded or failed.
@Suite struct CommandBufferWipeTests {
    static let secretAPDU: [UInt8] = [0x00, 0xD6, 0x00, 0x00, 0x04, 0xC0, 0xFF, 0xEE, 0x11]

    @Test func aSentAPDUIsZeroedInTheReader() async throws {
        let link = ScriptedLink([.out(xfrBlock(seq: 0, Self.secretAPDU)), .reply(dataBlock(seq: 0, [0x90, 0x00]))])
        let reader = try makeReader(link)
        _ = try await reader.xfrBlock(Self.secretAPDU)
        let left = await reader.commandBuffer
        #expect(!left.isEmpty && left.allSatisfy { $0 == 0 }, "\(hex(left))")
    }

    @Test func aFailedTransferLeavesNothingEither() async throws {
        let link = ScriptedLink([.out(xfrBlock(seq: 0, [0x00]))])   // a different command: the OUT fails
        let reader = try makeReader(link)
        await #expect(throws: CCIDReaderError.self) { _ = try await reader.xfrBlock(Self.secretAPDU) }
        #expect(await reader.commandBuffer.allSatisfy { $0 == 0 })
    }
}
