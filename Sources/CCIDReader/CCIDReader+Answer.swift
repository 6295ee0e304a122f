import CCID
import TrustedPathCore
import USBLink

extension CCIDReader {
    enum Answer {
        case answer(CCIDMessage)
        case busy
    }

    /// 10-byte header + a short APDU of 261 bytes: the least any reader's buffer holds.
    static let shortAPDUMessageLength = 271
    /// Extended Ne plus SW1 SW2, rounded to 64 KiB + 10.
    static let maxFrameData = 65_546

    enum Frame {
        case frame([UInt8])
        case timedOut
    }

    /// The RDR_to_PC message type that answers `payload` (CCID 1.1 §6.2).
    static func responseType(for payload: CCIDMessagePayload) -> UInt8 {
        switch payload {
        case .iccPowerOn, .xfrBlock, .secure: 0x80
        case .getParameters, .resetParameters, .setParameters: 0x82
        case .escape: 0x83
        case .setDataRateAndClockFrequency: 0x84
        default: 0x81
        }
    }

    /// Reads until the answer with `sequence` arrives, following the matcher's verdicts.
    func awaitAnswer(to payload: CCIDMessagePayload, slot: UInt8, sequence: UInt8,
                     readTimeout: Duration) async throws(CCIDReaderError) -> Answer {
        var deadline = Deadline.after(readTimeout)
        var stale = 0
        while true {
            let bytes: [UInt8]
            switch try await readFrame(deadline: deadline, command: payload) {
            case .frame(let frame): bytes = frame
            case .timedOut:
                let aborted = await abortProcedure(slot: slot)
                noteFailure()
                if !aborted { noteFailure() }
                throw CCIDReaderError(.timeout, "\(payload.name) on slot \(slot): no answer within \(readTimeout)"
                                      + (aborted ? "" : "; the abort procedure failed too"))
            }
            let disposition: CCIDResponseMatcher.Disposition
            do {
                disposition = try CCIDResponseMatcher.classify(expectedSequence: sequence, frame: bytes)
            } catch {
                noteFailure()
                throw CCIDReaderError(.protocolError, "answer to \(payload.name): \(error); received \(Hex.encode(bytes.prefix(32), separator: " "))")
            }
            if case .stale = disposition {
                stale += 1
                guard stale <= options.maxStaleFrames else {
                    noteFailure()
                    throw CCIDReaderError(.protocolError, "\(payload.name): \(stale) answers with a foreign bSeq")
                }
                continue
            }
            // bSeq matches from here on; an answer for another slot is a broken reader.
            guard bytes[5] == slot else {
                noteFailure()
                throw CCIDReaderError(.protocolError, "\(payload.name) sent to slot \(slot), answered for slot \(bytes[5])")
            }
            switch disposition {
            case .stale:
                continue
            case .timeExtension(let multiplier):
                // However often the card asks: each request re-arms the wait, scaled by bError.
                deadline = .after(readTimeout * Int(max(1, multiplier)))
            case .slotBusy:
                consecutiveFailures = 0
                return .busy
            case .failed(let error, let status):
                consecutiveFailures = 0
                throw CCIDReaderError.failed(error, status: status, command: payload.name)
            case .ok(let message):
                guard bytes[0] == Self.responseType(for: payload) else {
                    noteFailure()
                    throw CCIDReaderError(.protocolError, "\(payload.name) answered with \(message.name)")
                }
                consecutiveFailures = 0
                return .answer(message)
            }
        }
    }

    /// One whole RDR_to_PC frame: bulk transfers are joined until the header's dwLength is
    /// satisfied (readers that split an answer into short packets).
    /// `command` is only named in errors: no string is built on the success path.
    func readFrame(deadline: Deadline, command: CCIDMessagePayload) async throws(CCIDReaderError) -> Frame {
        let endpoint = link.device.bulkInEndpoint
        // A reader whose descriptor understates its messages must not overflow the read.
        let chunk = max(maxMessageLength, Self.shortAPDUMessageLength)
        var frame: [UInt8] = []
        var expected = CCIDMessage.headerLength
        while frame.count < expected {
            let part: [UInt8]
            do {
                part = try await link.bulkIn(maxLength: chunk, endpoint: endpoint, deadline: deadline)
            } catch where error.code == .timeout {
                if frame.isEmpty { return .timedOut }
                noteFailure()
                throw CCIDReaderError(.protocolError, "answer to \(command.name) cut short: \(frame.count) of \(expected) bytes")
            } catch {
                noteFailure()
                throw .link(error, "reading the answer to \(command.name)")
            }
            // The usual answer comes whole in one transfer: take its buffer, copy nothing.
            if frame.isEmpty { frame = part } else { frame.append(contentsOf: part) }
            if frame.count >= CCIDMessage.headerLength, expected == CCIDMessage.headerLength {
                let length = Int(frame.loadLE32(at: 1))
                // Extended-APDU readers may answer up to 64 KiB in one message; beyond that the
                // header is garbage, and waiting for gigabytes would only end in a timeout.
                guard length <= Self.maxFrameData else {
                    noteFailure()
                    throw CCIDReaderError(.protocolError, "answer to \(command.name) claims dwLength \(length), "
                                          + "over \(Self.maxFrameData)")
                }
                expected = CCIDMessage.headerLength + length
            }
        }
        if quirks.readZeroLengthPacket, frame.count % 64 == 0 {
            _ = try? await link.bulkIn(maxLength: chunk, endpoint: endpoint, deadline: .milliseconds(100))
        }
        return .frame(frame)
    }

    /// CCID 1.1 §5.3.1: class request ABORT (bSeq and bSlot in wValue), then PC_to_RDR_Abort
    /// with the same bSeq and slot, then its RDR_to_PC_SlotStatus. Late answers of the aborted
    /// command are read and dropped on the way. Returns whether the reader confirmed.
    func abortProcedure(slot: UInt8) async -> Bool {
        let seq = nextSequence()
        let request = CCIDClassRequest.abort(interface: UInt16(link.device.interfaceNumber), slot: slot, sequence: seq)
        let setup = USBControlSetup(bmRequestType: request.bmRequestType, bRequest: request.bRequest,
                                    wValue: request.wValue, wIndex: request.wIndex, wLength: request.wLength)
        // Some readers stall the class request; the bulk half is still worth sending.
        _ = try? await link.control(setup, data: [], deadline: .after(options.abortTimeout))
        let abort = CCIDMessage(slot: slot, sequence: seq, payload: .abort).encode()
        do {
            try await link.bulkOut(abort, endpoint: link.device.bulkOutEndpoint, deadline: .after(options.abortTimeout))
        } catch {
            return false
        }
        let deadline = Deadline.after(options.abortTimeout)
        for _ in 0...options.maxStaleFrames {
            guard case .frame(let bytes) = try? await readFrame(deadline: deadline, command: .abort) else {
                return false
            }
            if bytes[0] == 0x81, bytes[6] == seq { return true }
        }
        return false
    }
}
