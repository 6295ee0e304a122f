import TrustedPathCore

/// The text form of a capture: one usbmon event a line, for review and diffs, convertible
/// both ways without losing anything replay needs.
///
///     1708183552.071588 ffffab8e53a2d560 S Bo 1:2:02 st=-115 len=10 data=6f0500000000...
///     1708183552.071966 ffffab8e53a2d560 C Bo 1:2:02 st=0 len=10
///     1708183523.534163 ffff880000000040 S Ci 1:2:80 st=-115 len=18 setup=8006000100001200
///
/// Fields, separated by one or more spaces or tabs:
/// 1. time: `seconds.microseconds`, exactly six fraction digits (seconds may be negative).
/// 2. URB id: 1 to 16 hex digits; it pairs a submission with its completion.
/// 3. event: `S` submission, `C` completion, `E` submission error.
/// 4. transfer type and direction: `C` control, `B` bulk, `I` interrupt, `Z` isochronous,
///    then `i` (IN) or `o` (OUT), as the kernel's usbmon text uses them.
/// 5. `bus:device:endpoint`: bus and device in decimal, the endpoint address as two hex
///    digits including the direction bit, which must agree with field 4.
///
/// Then `key=value` items in any order, each at most once:
/// - `st=` status, a negated Linux errno (required): -115 for a submission in flight,
///   0 ok, -32 stall.
/// - `len=` requested length (submission) or actual length (completion), decimal (required).
/// - `setup=` the 8-byte SETUP packet of a control submission, 16 hex digits.
/// - `data=` captured payload in hex (absent: no data).
/// - `interval=`, `start=` (decimal) and `flags=` (`0x` hex): usbmon's interval, start
///   frame and transfer flags, written only when not zero.
///
/// Blank lines and lines starting with `#` are ignored. A microsecond value outside
/// 0..<1000000 (possible only in a hand-made capture) is printed carried into seconds.
public enum TranscriptText {
    /// One packet as a line, without the newline.
    public static func line(for packet: UsbmonPacket) -> String {
        var seconds = packet.seconds
        var micro = Int64(packet.microseconds)
        if micro < 0 || micro >= 1_000_000 {
            let carry = micro >= 0 ? micro / 1_000_000 : (micro + 1) / 1_000_000 - 1
            seconds = seconds &+ carry
            micro -= carry * 1_000_000
        }
        let fraction = String(micro)
        var out = "\(seconds)." + String(repeating: "0", count: max(0, 6 - fraction.count)) + fraction
        out += " " + String(packet.urbID, radix: 16)
        out += " " + String(UnicodeScalar(packet.event.rawValue))
        out += " " + typeLetter(packet.transferType) + (packet.isIn ? "i" : "o")
        out += " \(packet.bus):\(packet.device):" + Hex.lower([packet.endpoint])
        out += " st=\(packet.status) len=\(packet.length)"
        if let setup = packet.setup { out += " setup=" + Hex.lower(setup) }
        if !packet.data.isEmpty { out += " data=" + Hex.lower(packet.data) }
        if packet.interval != 0 { out += " interval=\(packet.interval)" }
        if packet.startFrame != 0 { out += " start=\(packet.startFrame)" }
        if packet.transferFlags != 0 { out += " flags=0x" + String(packet.transferFlags, radix: 16) }
        return out
    }

    /// Packets as text, one line each, each ending in a newline.
    public static func format(_ packets: some Sequence<UsbmonPacket>) -> String {
        var out = ""
        for packet in packets { out += line(for: packet) + "\n" }
        return out
    }

    /// Parses the whole text; the error names the first bad line.
    public static func parse(_ text: String) throws(TranscriptError) -> [UsbmonPacket] {
        var packets: [UsbmonPacket] = []
        var number = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            number += 1
            if let packet = try parseLine(line, number: number) { packets.append(packet) }
        }
        return packets
    }

    /// Parses one line; nil for a blank or comment line.
    public static func parseLine(_ line: Substring, number: Int = 1) throws(TranscriptError) -> UsbmonPacket? {
        func fail(_ reason: String) -> TranscriptError {
            TranscriptError(.textSyntax, reason, line: number)
        }
        var text = line
        if text.last == "\r" { text = text.dropLast() }
        let tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let first = tokens.first else { return nil }
        if first.hasPrefix("#") { return nil }
        guard tokens.count >= 5 else {
            throw fail("expected time, URB id, event, type, bus:device:endpoint; found \(tokens.count) field(s)")
        }

        let time = tokens[0].split(separator: ".", omittingEmptySubsequences: false)
        guard time.count == 2, let seconds = Int64(time[0]), time[1].utf8.count == 6,
              time[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let micro = Int32(time[1]) else {
            throw fail("time '\(tokens[0])' is not seconds.microseconds with six fraction digits")
        }
        guard tokens[1].utf8.count <= 16, let urbID = UInt64(tokens[1], radix: 16) else {
            throw fail("URB id '\(tokens[1])' is not 1 to 16 hex digits")
        }
        guard tokens[2].utf8.count == 1, let eventByte = tokens[2].utf8.first,
              let event = UsbmonPacket.Event(rawValue: eventByte) else {
            throw fail("event '\(tokens[2])' is not S, C or E")
        }
        let typeToken = Array(tokens[3].utf8)
        guard typeToken.count == 2, let type = transferType(typeToken[0]),
              typeToken[1] == UInt8(ascii: "i") || typeToken[1] == UInt8(ascii: "o") else {
            throw fail("transfer '\(tokens[3])' is not one of Ci Co Bi Bo Ii Io Zi Zo")
        }
        let address = tokens[4].split(separator: ":", omittingEmptySubsequences: false)
        guard address.count == 3, let bus = UInt16(address[0]), let device = UInt8(address[1]),
              address[2].utf8.count == 2, let endpoint = UInt8(address[2], radix: 16) else {
            throw fail("address '\(tokens[4])' is not bus:device:endpoint (decimal:decimal:two hex digits)")
        }
        guard (endpoint & 0x80 != 0) == (typeToken[1] == UInt8(ascii: "i")) else {
            throw fail("endpoint \(address[2]) disagrees with direction '\(tokens[3])'")
        }

        var packet = UsbmonPacket(urbID: urbID, event: event, transferType: type, endpoint: endpoint,
                                  device: device, bus: bus, seconds: seconds, microseconds: micro,
                                  length: 0)
        var seen = Set<Substring>()
        for token in tokens.dropFirst(5) {
            guard let equals = token.firstIndex(of: "=") else {
                throw fail("'\(token)' is not key=value")
            }
            let key = token[..<equals]
            let value = token[token.index(after: equals)...]
            guard seen.insert(key).inserted else { throw fail("'\(key)' given twice") }
            switch key {
            case "st":
                guard let v = Int32(value) else { throw fail("st '\(value)' is not a 32-bit integer") }
                packet.status = v
            case "len":
                guard let v = UInt32(value) else { throw fail("len '\(value)' is not an unsigned 32-bit integer") }
                packet.length = v
            case "setup":
                guard value.utf8.count == 16, let bytes = strictHex(value) else {
                    throw fail("setup '\(value)' is not 16 hex digits")
                }
                packet.setup = bytes
            case "data":
                guard let bytes = strictHex(value) else {
                    throw fail("data is not an even number of hex digits")
                }
                packet.data = bytes
            case "interval":
                guard let v = Int32(value) else { throw fail("interval '\(value)' is not a 32-bit integer") }
                packet.interval = v
            case "start":
                guard let v = Int32(value) else { throw fail("start '\(value)' is not a 32-bit integer") }
                packet.startFrame = v
            case "flags":
                guard value.hasPrefix("0x"), let v = UInt32(value.dropFirst(2), radix: 16) else {
                    throw fail("flags '\(value)' is not 0x and hex digits")
                }
                packet.transferFlags = v
            default:
                throw fail("unknown key '\(key)'; known: st len setup data interval start flags")
            }
        }
        guard seen.contains("st"), seen.contains("len") else {
            throw fail("st= and len= are required")
        }
        return packet
    }

    private static func typeLetter(_ type: UsbmonPacket.TransferType) -> String {
        switch type {
        case .control: return "C"
        case .bulk: return "B"
        case .interrupt: return "I"
        case .isochronous: return "Z"
        }
    }

    private static func transferType(_ letter: UInt8) -> UsbmonPacket.TransferType? {
        switch letter {
        case UInt8(ascii: "C"): return .control
        case UInt8(ascii: "B"): return .bulk
        case UInt8(ascii: "I"): return .interrupt
        case UInt8(ascii: "Z"): return .isochronous
        default: return nil
        }
    }

    /// Hex digits only: `Hex.decode` also skips separators, which would let one line's
    /// data mean the same bytes written several ways.
    private static func strictHex(_ text: Substring) -> [UInt8]? {
        guard text.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) })
        else { return nil }
        return Hex.decode(text)
    }
}
