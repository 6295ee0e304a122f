import TrustedPathCore

/// Reads USB packets from a pcap or pcapng capture, streaming: it holds one buffer sized to
/// the largest record seen (at most `maxPacketBytes` plus headers), whatever the file size.
///
/// Formats: pcap in both byte orders, micro- and nanosecond; pcapng (sections in either
/// byte order, several interfaces each with its own link type and `if_tsresol`; EPB, SPB
/// and the obsolete PB; unknown blocks skipped). Link types 189 and 220 (Linux usbmon) and
/// 249 (Windows USBPcap, converted to usbmon events). In pcapng, packets of other link types
/// are skipped but still counted as frames.
///
/// `next()` never traps on any input and always progresses. After it throws, the reader is
/// stopped and returns nil; packets returned before the error stay valid.
///
/// Not generic on purpose: the source is asked for bytes once per buffer fill, so dynamic
/// dispatch there costs nothing, while a generic reader used from another module would run
/// unspecialized (metadata lookups and value witnesses for every packet).
public struct CaptureReader {
    /// The largest packet record accepted; usbmon's own limit is far below it, so a larger
    /// length is corruption, and refusing it keeps a bad length field from allocating.
    public static var maxPacketBytes: Int { 16 << 20 }
    static var maxBlockBytes: Int { maxPacketBytes + (1 << 20) }

    enum State {
        case fileHeader
        case pcap(linkType: UInt32, bigEndian: Bool, nanoseconds: Bool)
        case pcapng
        case stopped
    }

    struct Interface {
        var linkType: UInt32
        var snapLength: UInt32
        /// Timestamp units per second.
        var unitsPerSecond: UInt64
    }

    var source: any CaptureByteSource
    var buffer: [UInt8]
    var start = 0
    var end = 0
    /// File offset of `buffer[start]`.
    var consumed = 0
    var sourceAtEnd = false
    var state = State.fileHeader
    var frame = 0
    var sectionBigEndian = false
    var interfaces: [Interface] = []
    var folder = USBPcapControlFolder()
    var ready: [CapturedPacket] = []
    var readyIndex = 0
    var deferredError: TranscriptError? {
        didSet { hasDeferredError = deferredError != nil }
    }
    /// Tested on every event of the fast path, where looking into the optional error costs.
    var hasDeferredError = false
    /// A pcapng whose packets are all of other link types is not a USB capture; saying so
    /// beats returning nothing.
    var decodedAny = false
    var skippedLinkType: UInt32?

    /// The container found at the start of the input; nil before the first `next()`.
    public private(set) var format: CaptureFormat?

    public init(_ source: some CaptureByteSource, bufferSize: Int = 1 << 18) {
        self.source = source
        self.buffer = [UInt8](repeating: 0, count: max(64, bufferSize))
    }

    /// The next packet, or nil at the clean end of the capture (or after an error).
    public mutating func next() throws(TranscriptError) -> CapturedPacket? {
        while true {
            if readyIndex < ready.count {
                let packet = ready[readyIndex]
                readyIndex += 1
                if readyIndex == ready.count {
                    ready.removeAll(keepingCapacity: true)
                    readyIndex = 0
                }
                return packet
            }
            if hasDeferredError, let error = deferredError {
                deferredError = nil
                state = .stopped
                throw error
            }
            do {
                switch state {
                case .stopped:
                    return nil
                case .fileHeader:
                    try readFileHeader()
                case .pcap(let linkType, let bigEndian, let nanoseconds):
                    // Returned as the optional it is: unwrapping would copy the packet.
                    let packet = try readPcapRecord(linkType, bigEndian, nanoseconds)
                    if packet != nil { return packet }
                case .pcapng:
                    let packet = try readBlock()
                    if packet != nil { return packet }
                }
            } catch {
                // A control transfer being folded was complete up to here: hand it out first.
                if let held = folder.flush() {
                    ready.append(held)
                    deferredError = error
                } else {
                    state = .stopped
                    throw error
                }
            }
        }
    }

    mutating func endOfInput() {
        if let held = folder.flush() { ready.append(held) }
        state = .stopped
    }

    // MARK: Buffer

    var available: Int { end - start }

    /// Makes `count` bytes available at `start`; false if the input ends first. The buffer
    /// grows at most to double what actually arrived, so a lying length field in a short
    /// file costs no big allocation.
    mutating func ensure(_ count: Int) throws(TranscriptError) -> Bool {
        if available >= count { return true }
        if sourceAtEnd { return false }
        if count > buffer.count - start, start > 0 {
            let live = available
            buffer.withUnsafeMutableBytes { raw in
                if let base = raw.baseAddress, live > 0 {
                    base.copyMemory(from: base + start, byteCount: live)
                }
            }
            start = 0
            end = live
        }
        while available < count {
            if end == buffer.count {
                buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, count - buffer.count)))
            }
            let from = end
            let got: Int
            do {
                got = try buffer.withUnsafeMutableBytes { raw throws -> Int in
                    try source.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[from...]))
                }
            } catch {
                throw TranscriptError(.sourceFailed, "reading the capture failed: \(error)",
                                      offset: consumed + available)
            }
            guard got >= 0, got <= buffer.count - from else {
                throw TranscriptError(.sourceFailed, "byte source returned \(got) for a \(buffer.count - from)-byte buffer",
                                      offset: consumed + available)
            }
            if got == 0 {
                sourceAtEnd = true
                return false
            }
            end += got
        }
        return true
    }

    mutating func consume(_ count: Int) {
        start += count
        consumed += count
    }

    func fields<T>(_ body: (RawFields) -> T) -> T {
        buffer.withUnsafeBytes { raw in
            body(RawFields(base: UnsafeRawBufferPointer(rebasing: raw[start..<end]), bigEndian: false))
        }
    }

    // MARK: File header

    mutating func readFileHeader() throws(TranscriptError) {
        _ = try ensure(24)
        guard available >= 4 else {
            throw TranscriptError(.notACapture, available == 0
                ? "the input is empty; expected a pcap or pcapng capture"
                : "the input is \(available) byte(s), too short to be a pcap or pcapng capture",
                offset: 0)
        }
        let magic = fields { $0.u32(0) }
        switch magic {
        case 0xA1B2_C3D4, 0xA1B2_3C4D, 0xD4C3_B2A1, 0x4D3C_B2A1:
            guard available >= 24 else {
                throw TranscriptError(.truncated, "pcap file header needs 24 bytes, \(available) present",
                                      offset: 0)
            }
            let bigEndian = magic == 0xD4C3_B2A1 || magic == 0x4D3C_B2A1
            let nanoseconds = magic == 0xA1B2_3C4D || magic == 0x4D3C_B2A1
            // The upper bits of the link type field carry FCS information, not the type.
            let linkType = fields { RawFields(base: $0.base, bigEndian: bigEndian).u32(20) } & 0xFFFF
            guard USBLinkType(rawValue: linkType) != nil else {
                throw TranscriptError(.unsupportedLinkType,
                    "link type \(USBLinkType.name(linkType)) is not a USB capture; expected USB_LINUX (189), USB_LINUX_MMAPPED (220) or USBPCAP (249)",
                    offset: 20)
            }
            format = .pcap(bigEndian: bigEndian, nanoseconds: nanoseconds)
            state = .pcap(linkType: linkType, bigEndian: bigEndian, nanoseconds: nanoseconds)
            consume(24)
        case 0x0A0D_0D0A:
            format = .pcapng
            state = .pcapng
        default:
            let shown = fields { Hex.encode(UnsafeRawBufferPointer(rebasing: $0.base[0..<4]), separator: " ") }
            throw TranscriptError(.notACapture,
                "starts with \(shown), not a pcap or pcapng capture (save it from Wireshark or tshark as pcap/pcapng)",
                offset: 0)
        }
    }

    // MARK: pcap

    mutating func readPcapRecord(_ linkType: UInt32, _ bigEndian: Bool, _ nanoseconds: Bool)
        throws(TranscriptError) -> CapturedPacket?
    {
        let offset = consumed
        guard let header = try pcapRecordHeader(bigEndian) else {
            endOfInput()
            return nil
        }
        let microseconds = nanoseconds ? header.fraction / 1000 : header.fraction
        let packet = try decode(linkType: linkType, at: 16, length: header.length, bigEndian: bigEndian,
                                seconds: Int64(header.seconds), microseconds: Int32(truncatingIfNeeded: microseconds),
                                offset: offset)
        consume(16 + header.length)
        return packet
    }

    /// The next record's header, its packet data made available at `start + 16` and the
    /// frame counted; nil at the clean end of the input.
    mutating func pcapRecordHeader(_ bigEndian: Bool)
        throws(TranscriptError) -> (seconds: UInt32, fraction: UInt32, length: Int)?
    {
        let offset = consumed
        guard try ensure(16) else {
            if available == 0 { return nil }
            throw TranscriptError(.truncated, "pcap record header needs 16 bytes, \(available) present",
                                  offset: offset, frame: frame + 1)
        }
        let (seconds, fraction, captured) = fields { raw in
            let f = RawFields(base: raw.base, bigEndian: bigEndian)
            return (f.u32(0), f.u32(4), f.u32(8))
        }
        let length = Int(captured)
        guard length <= Self.maxPacketBytes else {
            throw TranscriptError(.oversizedPacket,
                "record claims \(length) bytes, more than the \(Self.maxPacketBytes)-byte limit; the file is corrupt",
                offset: offset, frame: frame + 1)
        }
        guard try ensure(16 + length) else {
            throw TranscriptError(.truncated, "packet data needs \(length) bytes, \(available - 16) present",
                                  offset: offset, frame: frame + 1)
        }
        frame += 1
        return (seconds, fraction, length)
    }

    // MARK: Events lent in place

    /// Lends the next usbmon event to `body` (with its frame number); false at the clean end
    /// of the capture or after an error, as `next()`.
    ///
    /// A pcap file of usbmon events, the common and the large case, is decoded in place with
    /// no copy of the payload; every other input goes through `next()` and lends its packet.
    public mutating func nextEvent(_ body: (_ frame: Int, _ event: UsbmonEventView) -> Void)
        throws(TranscriptError) -> Bool
    {
        guard case .pcap(let linkType, let bigEndian, _) = state, linkType != 249,
              readyIndex == ready.count, !hasDeferredError else {
            guard let captured = try next() else { return false }
            captured.packet.withView { body(captured.frame, $0) }
            return true
        }
        let offset = consumed
        let header: (seconds: UInt32, fraction: UInt32, length: Int)
        do {
            guard let found = try pcapRecordHeader(bigEndian) else {
                endOfInput()
                return false
            }
            header = found
        } catch {
            state = .stopped
            throw error
        }
        decodedAny = true
        let from = start + 16, frame = self.frame
        let failure = buffer.withUnsafeBytes { raw -> DecodeFailure? in
            do throws(DecodeFailure) {
                body(frame, try UsbmonHeader.view(UnsafeRawBufferPointer(rebasing: raw[from..<(from + header.length)]),
                                                  mmapped: linkType == 220, bigEndian: bigEndian))
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            state = .stopped
            throw TranscriptError(.malformedPacket, failure.reason, offset: offset, frame: frame)
        }
        consume(16 + header.length)
        return true
    }

    // MARK: Link layer

    /// Decodes `length` bytes at `start + at`; nil when the packet is skipped or held.
    mutating func decode(linkType: UInt32, at: Int, length: Int, bigEndian: Bool,
                                 seconds: Int64, microseconds: Int32, offset: Int)
        throws(TranscriptError) -> CapturedPacket?
    {
        let from = start + at
        if linkType == 189 || linkType == 220 || linkType == 249 { decodedAny = true }
        switch linkType {
        case 189, 220:
            let packet: UsbmonPacket
            do {
                packet = try buffer.withUnsafeBytes { raw throws(DecodeFailure) in
                    try UsbmonHeader.decode(UnsafeRawBufferPointer(rebasing: raw[from..<(from + length)]),
                                            mmapped: linkType == 220, bigEndian: bigEndian)
                }
            } catch {
                throw TranscriptError(.malformedPacket, (error as? DecodeFailure)?.reason ?? "\(error)",
                                      offset: offset, frame: frame)
            }
            let captured = CapturedPacket(frame: frame, offset: offset, packet: packet)
            if folder.held == nil, ready.isEmpty { return captured }
            if let held = folder.flush() { ready.append(held) }
            ready.append(captured)
            return nil
        case 249:
            let record: USBPcapRecord
            do {
                record = try buffer.withUnsafeBytes { raw throws(DecodeFailure) in
                    try USBPcapRecord.decode(UnsafeRawBufferPointer(rebasing: raw[from..<(from + length)]))
                }
            } catch {
                throw TranscriptError(.malformedPacket, (error as? DecodeFailure)?.reason ?? "\(error)",
                                      offset: offset, frame: frame)
            }
            guard let type = record.transferType else { return nil }
            if type == .control {
                ready.append(contentsOf: folder.feed(record, frame: frame, offset: offset,
                                                     seconds: seconds, microseconds: microseconds))
                return nil
            }
            if let held = folder.flush() { ready.append(held) }
            let captured = CapturedPacket(frame: frame, offset: offset,
                                          packet: record.usbmon(type: type, seconds: seconds,
                                                                microseconds: microseconds))
            if ready.isEmpty { return captured }
            ready.append(captured)
            return nil
        default:
            if !decodedAny { skippedLinkType = linkType }
            return nil
        }
    }
}

extension CaptureReader {
    /// A reader over bytes in memory; its buffer is no larger than the input.
    public init(bytes: [UInt8]) {
        self.init(ArrayByteSource(bytes), bufferSize: min(1 << 18, bytes.count))
    }

    /// Every packet of an in-memory capture; throws at the first error.
    public static func readAll(_ bytes: [UInt8]) throws(TranscriptError) -> [CapturedPacket] {
        var reader = CaptureReader(bytes: bytes)
        var packets: [CapturedPacket] = []
        while let packet = try reader.next() { packets.append(packet) }
        return packets
    }

    /// Every packet up to the first error, and that error (nil when the capture is whole).
    public static func readPrefix(_ bytes: [UInt8]) -> (packets: [CapturedPacket], error: TranscriptError?) {
        var reader = CaptureReader(bytes: bytes)
        var packets: [CapturedPacket] = []
        do {
            while let packet = try reader.next() { packets.append(packet) }
            return (packets, nil)
        } catch {
            return (packets, error)
        }
    }
}
