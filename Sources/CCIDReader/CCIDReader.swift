import APDU
import CCID
import TrustedPathCore
import USBLink

/// One CCID reader behind a `USBLink`: owns bSeq and the bulk pipe.
///
/// Serialization: one command is in flight per reader, whatever bMaxCCIDBusySlots says.
/// Slots are still independent sessions (their own power state, protocol and timing), but
/// their commands take turns on the pipe. That is always correct; parallel slots would only
/// win time on multi-slot readers with several cards busy at once, which we do not have.
///
/// Every wait has a deadline; a reader that goes silent gets the CCID abort procedure, and
/// a reader that keeps failing is marked faulty so callers stop hanging on it.
public actor CCIDReader {
    public nonisolated let link: any USBLink
    /// The reader's class descriptor with the quirks table's bPINSupport and exchange-level
    /// corrections applied: what the session and the PIN pad go by.
    public nonisolated let descriptor: CCIDClassDescriptor
    public nonisolated let quirks: ReaderQuirks
    public nonisolated let options: CCIDReaderOptions

    /// True after `options.faultThreshold` consecutive failures; cleared by `recover()`.
    public private(set) var isFaulty = false

    var sequence: UInt8 = 0
    var consecutiveFailures = 0
    /// Per-slot read timeout for XfrBlock, set when the protocol is settled.
    var slotReadTimeouts: [Duration]
    /// Per-slot protocol settled by `connect`: a TPDU-level PIN pad needs the T=1 engine.
    var slotProtocols: [SlotProtocol]
    /// GET_DATA_RATES, asked at most once: nil until asked, then `.some(nil)` for no list.
    var dataRateTable: [UInt32]?? = nil
    /// The XfrBlock being sent; zeroed once sent (`wipeCommandBuffer`).
    private(set) var commandBuffer: [UInt8] = []
    private var pipeBusy = false
    private var pipeWaiters: [CheckedContinuation<Void, Never>] = []

    /// - Parameters:
    ///   - descriptor: the parsed class descriptor; nil parses `link.device.classDescriptor`.
    ///   - quirks: nil looks the device up in `ReaderQuirks.table`.
    public init(link: any USBLink, descriptor: CCIDClassDescriptor? = nil, quirks: ReaderQuirks? = nil,
                options: CCIDReaderOptions = CCIDReaderOptions()) throws(CCIDReaderError) {
        let parsed: CCIDClassDescriptor
        if let descriptor {
            parsed = descriptor
        } else {
            do { parsed = try CCIDClassDescriptor(parsing: link.device.classDescriptor) } catch {
                throw CCIDReaderError(.unsupported, "no usable CCID class descriptor for \(link.device.label): \(error)")
            }
        }
        let quirks = quirks ?? ReaderQuirks.lookup(vendorID: link.device.vendorID, productID: link.device.productID,
                                                   bcdDevice: link.device.bcdDevice)
        self.link = link
        self.descriptor = quirks.applied(to: parsed)
        self.quirks = quirks
        self.options = options
        self.slotReadTimeouts = Array(repeating: options.minimumReadTimeout, count: parsed.slotCount)
        self.slotProtocols = Array(repeating: .unknown, count: parsed.slotCount)
    }

    /// dwMaxCCIDMessageLength, corrected by the quirks table.
    public nonisolated var maxMessageLength: Int {
        max(quirks.maxMessageLength ?? descriptor.maxMessageLength, CCIDMessage.headerLength + 1)
    }

    /// dwMaxIFSD, corrected by the quirks table.
    public nonisolated var maxIFSD: Int { quirks.maxIFSD ?? Int(descriptor.dwMaxIFSD) }

    /// Clears the faulty state after a USB port reset.
    public func recover() async throws(CCIDReaderError) {
        do { try await link.reset(deadline: .after(options.writeTimeout)) } catch {
            throw .link(error, "USB reset")
        }
        isFaulty = false
        consecutiveFailures = 0
    }

    /// Sends one PC_to_RDR message and returns the reader's completed answer: stale frames
    /// dropped, time extensions honoured, CMD_SLOT_BUSY retried, failures mapped to errors.
    /// `readTimeout` is the wait for one answer; each time extension re-arms it, scaled.
    public func transact(_ payload: CCIDMessagePayload, slot: UInt8,
                         readTimeout: Duration) async throws(CCIDReaderError) -> CCIDMessage {
        guard !isFaulty else { throw CCIDReaderError(.readerFault, link.device.label) }
        guard Int(slot) < descriptor.slotCount else {
            throw CCIDReaderError(.invalidParameter, "slot \(slot) of a \(descriptor.slotCount)-slot reader")
        }
        await acquirePipe()
        defer { releasePipe() }
        var busyRound = 0
        while true {
            let seq = nextSequence()
            var failure: USBError?
            do {
                try await link.bulkOut(encodeCommand(payload, slot: slot, sequence: seq),
                                       endpoint: link.device.bulkOutEndpoint, deadline: .after(options.writeTimeout))
            } catch {
                failure = error
            }
            wipeCommandBuffer()
            if let failure {
                noteFailure()
                throw .link(failure, payload.name)
            }
            switch try await awaitAnswer(to: payload, slot: slot, sequence: seq, readTimeout: readTimeout) {
            case .answer(let message):
                return message
            case .busy:
                busyRound += 1
                guard busyRound <= options.busyRetries else {
                    throw CCIDReaderError(.slotBusy, "\(payload.name) on slot \(slot): CMD_SLOT_BUSY \(busyRound) times",
                                          slotError: .cmdSlotBusy)
                }
                try? await Task.sleep(for: options.busyBackoff * busyRound)
            }
        }
    }

    /// XfrBlock, the message of every APDU, is written into one reused buffer; the link has
    /// let go of the previous frame by then, so appending allocates nothing. Other commands
    /// are rare and use the general encoder.
    private func encodeCommand(_ payload: CCIDMessagePayload, slot: UInt8, sequence seq: UInt8) -> [UInt8] {
        guard case .xfrBlock(let bwi, let level, let data) = payload else {
            return CCIDMessage(slot: slot, sequence: seq, payload: payload).encode()
        }
        commandBuffer.removeAll(keepingCapacity: true)
        commandBuffer.append(0x6F)
        commandBuffer.appendLE32(UInt32(truncatingIfNeeded: data.count))
        commandBuffer.append(slot)
        commandBuffer.append(seq)
        commandBuffer.append(bwi)
        commandBuffer.append(UInt8(truncatingIfNeeded: level))
        commandBuffer.append(UInt8(truncatingIfNeeded: level >> 8))
        commandBuffer.append(contentsOf: data)
        return commandBuffer
    }

    /// An XfrBlock's APDU may carry a share being written: its bytes must not stay in the
    /// reused buffer until a longer command happens to overwrite them. Zeroed in place: the
    /// frame handed to the link was a temporary, so the buffer is not shared by then.
    private func wipeCommandBuffer() {
        SecretBytes.wipe(&commandBuffer)
    }

    func nextSequence() -> UInt8 {
        let value = sequence
        sequence &+= 1
        return value
    }

    /// Counts a failure that says something about the reader (not the card).
    func noteFailure() {
        consecutiveFailures += 1
        if consecutiveFailures >= options.faultThreshold { isFaulty = true }
    }

    // Actor methods may interleave at every await; the pipe holds one command at a time.
    private func acquirePipe() async {
        if !pipeBusy {
            pipeBusy = true
            return
        }
        await withCheckedContinuation { pipeWaiters.append($0) }
    }

    private func releasePipe() {
        if pipeWaiters.isEmpty {
            pipeBusy = false
        } else {
            pipeWaiters.removeFirst().resume()
        }
    }
}
