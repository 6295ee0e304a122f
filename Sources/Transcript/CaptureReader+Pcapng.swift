import TrustedPathCore

extension CaptureReader {
    private static var sectionHeader: UInt32 { 0x0A0D_0D0A }

    /// Reads one pcapng block; a packet when it holds one of a USB link type.
    mutating func readBlock() throws(TranscriptError) -> CapturedPacket? {
        let offset = consumed
        guard try ensure(12) else {
            if available == 0 {
                if !decodedAny, let linkType = skippedLinkType {
                    state = .stopped
                    throw TranscriptError(.unsupportedLinkType,
                        "no USB packets: the capture holds \(USBLinkType.name(linkType)) packets; capture a usbmon interface (tshark -i usbmonN) or USBPcap",
                        offset: offset)
                }
                endOfInput()
                return nil
            }
            let type = available >= 4 ? fields { RawFields(base: $0.base, bigEndian: sectionBigEndian).u32(0) } : 0
            throw TranscriptError(.truncated, "pcapng block header needs 12 bytes, \(available) present",
                                  offset: offset, frame: Self.isPacketBlock(type) ? frame + 1 : nil)
        }
        // The section header's type is a palindrome; its byte-order magic sets the order
        // of everything up to the next section header.
        if fields({ $0.u32(0) }) == Self.sectionHeader {
            switch fields({ $0.u32(8) }) {
            case 0x1A2B_3C4D: sectionBigEndian = false
            case 0x4D3C_2B1A: sectionBigEndian = true
            default:
                throw TranscriptError(.corruptBlock,
                    "section header byte-order magic is not 1A2B3C4D in either order", offset: offset)
            }
            interfaces.removeAll()
        }
        let bigEndian = sectionBigEndian
        let (type, total) = fields { raw in
            let f = RawFields(base: raw.base, bigEndian: bigEndian)
            return (f.u32(0), Int(f.u32(4)))
        }
        guard total >= 12, total % 4 == 0, total <= Self.maxBlockBytes else {
            throw TranscriptError(.corruptBlock,
                "block length \(total) is not a multiple of 4 in 12...\(Self.maxBlockBytes); the file is corrupt",
                offset: offset)
        }
        let isPacket = Self.isPacketBlock(type)
        guard try ensure(total) else {
            throw TranscriptError(.truncated, "pcapng block of \(total) bytes, \(available) present",
                                  offset: offset, frame: isPacket ? frame + 1 : nil)
        }
        let trailer = fields { RawFields(base: $0.base, bigEndian: bigEndian).u32(total - 4) }
        guard Int(trailer) == total else {
            throw TranscriptError(.corruptBlock,
                "block length \(total) disagrees with its trailing copy \(trailer)", offset: offset)
        }
        if isPacket { frame += 1 }
        let body = total - 12
        let packet: CapturedPacket?
        switch type {
        case Self.sectionHeader:
            guard body >= 16 else {
                throw TranscriptError(.corruptBlock, "section header body of \(body) bytes, needs 16",
                                      offset: offset)
            }
            packet = nil
        case 1:
            try readInterface(body: body, offset: offset)
            packet = nil
        case 6, 2:
            // EPB: interface u32, ts high, ts low, caplen, origlen. PB: interface u16, drops u16, then the same.
            guard body >= 20 else {
                throw TranscriptError(.malformedPacket, "packet block body of \(body) bytes, needs 20",
                                      offset: offset, frame: frame)
            }
            let (interfaceID, high, low, captured) = fields { raw in
                let f = RawFields(base: raw.base, bigEndian: bigEndian)
                return (type == 6 ? Int(f.u32(8)) : Int(f.u16(8)), f.u32(12), f.u32(16), Int(f.u32(20)))
            }
            guard captured <= body - 20 else {
                throw TranscriptError(.malformedPacket,
                    "packet block claims \(captured) captured bytes, its block holds \(body - 20)",
                    offset: offset, frame: frame)
            }
            let interface = try self.interface(interfaceID, offset: offset)
            let (seconds, microseconds) = Self.time(UInt64(high) << 32 | UInt64(low),
                                                    unitsPerSecond: interface.unitsPerSecond)
            packet = try decode(linkType: interface.linkType, at: 28, length: captured,
                                bigEndian: bigEndian, seconds: seconds, microseconds: microseconds,
                                offset: offset)
        case 3:
            guard body >= 4 else {
                throw TranscriptError(.malformedPacket, "simple packet block body of \(body) bytes, needs 4",
                                      offset: offset, frame: frame)
            }
            let interface = try self.interface(0, offset: offset)
            let original = Int(fields { RawFields(base: $0.base, bigEndian: bigEndian).u32(8) })
            var captured = min(original, body - 4)
            if interface.snapLength > 0 { captured = min(captured, Int(interface.snapLength)) }
            packet = try decode(linkType: interface.linkType, at: 12, length: captured,
                                bigEndian: bigEndian, seconds: 0, microseconds: 0, offset: offset)
        default:
            packet = nil
        }
        consume(total)
        return packet
    }

    private static func isPacketBlock(_ type: UInt32) -> Bool { type == 6 || type == 3 || type == 2 }

    private func interface(_ id: Int, offset: Int) throws(TranscriptError) -> Interface {
        guard id < interfaces.count else {
            throw TranscriptError(.malformedPacket,
                "packet names interface \(id), the section describes \(interfaces.count)",
                offset: offset, frame: frame)
        }
        return interfaces[id]
    }

    /// IDB: link type u16, reserved u16, snaplen u32, options; only `if_tsresol` matters here.
    private mutating func readInterface(body: Int, offset: Int) throws(TranscriptError) {
        guard body >= 8 else {
            throw TranscriptError(.corruptBlock, "interface description body of \(body) bytes, needs 8",
                                  offset: offset)
        }
        let bigEndian = sectionBigEndian
        let (linkType, snapLength) = fields { raw in
            let f = RawFields(base: raw.base, bigEndian: bigEndian)
            return (UInt32(f.u16(8)), f.u32(12))
        }
        var resolution: UInt8 = 6
        var at = 16
        let optionsEnd = 8 + body
        while at + 4 <= optionsEnd {
            let (code, length) = fields { raw in
                let f = RawFields(base: raw.base, bigEndian: bigEndian)
                return (f.u16(at), Int(f.u16(at + 2)))
            }
            if code == 0 { break }
            guard at + 4 + length <= optionsEnd else {
                throw TranscriptError(.corruptBlock, "interface option \(code) of \(length) bytes overruns its block",
                                      offset: offset + at)
            }
            if code == 9, length >= 1 { resolution = fields { $0.u8(at + 4) } }
            at += 4 + (length + 3) & ~3
        }
        let exponent = Int(resolution & 0x7F)
        let unitsPerSecond: UInt64
        if resolution & 0x80 != 0 {
            guard exponent <= 63 else {
                throw TranscriptError(.corruptBlock, "if_tsresol 2^-\(exponent) is beyond 64-bit timestamps",
                                      offset: offset)
            }
            unitsPerSecond = 1 << UInt64(exponent)
        } else {
            guard exponent <= 19 else {
                throw TranscriptError(.corruptBlock, "if_tsresol 10^-\(exponent) is beyond 64-bit timestamps",
                                      offset: offset)
            }
            var units: UInt64 = 1
            for _ in 0..<exponent { units *= 10 }
            unitsPerSecond = units
        }
        interfaces.append(Interface(linkType: linkType, snapLength: snapLength, unitsPerSecond: unitsPerSecond))
    }

    /// Seconds and microseconds of a pcapng timestamp, exact for any resolution.
    static func time(_ units: UInt64, unitsPerSecond: UInt64) -> (Int64, Int32) {
        let seconds = units / unitsPerSecond
        let fraction = units % unitsPerSecond
        let wide = fraction.multipliedFullWidth(by: 1_000_000)
        // fraction < unitsPerSecond, so the quotient is below 10^6 and cannot overflow.
        let micro = unitsPerSecond.dividingFullWidth((wide.high, wide.low)).quotient
        return (Int64(truncatingIfNeeded: seconds), Int32(truncatingIfNeeded: micro))
    }
}
