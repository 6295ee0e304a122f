import Foundation
import Transcript
import TrustedPathCore

enum Fixture {
    static func bytes(_ name: String, _ ext: String) throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures")
        else { throw FixtureMissing(name: "\(name).\(ext)") }
        return [UInt8](try Data(contentsOf: url))
    }
}

struct FixtureMissing: Error { var name: String }

/// Packets that exercise every event, transfer type and optional field.
enum Samples {
    static let packets: [UsbmonPacket] = [
        UsbmonPacket(urbID: 0xFFFF_8800_0000_0040, event: .submission, transferType: .control,
                     endpoint: 0x80, device: 2, bus: 1, seconds: 1_708_183_523, microseconds: 534_163,
                     status: -115, length: 18, setup: [0x80, 0x06, 0x00, 0x01, 0x00, 0x00, 0x12, 0x00]),
        UsbmonPacket(urbID: 0xFFFF_8800_0000_0040, event: .completion, transferType: .control,
                     endpoint: 0x80, device: 2, bus: 1, seconds: 1_708_183_523, microseconds: 534_200,
                     status: 0, length: 18, data: Array(0..<18)),
        UsbmonPacket(urbID: 7, event: .submission, transferType: .control, endpoint: 0x00, device: 2,
                     bus: 1, seconds: 5, microseconds: 1, status: -115, length: 4,
                     setup: [0x21, 0x09, 0x00, 0x02, 0x00, 0x00, 0x04, 0x00], data: [1, 2, 3, 4]),
        UsbmonPacket(urbID: 7, event: .completion, transferType: .control, endpoint: 0x00, device: 2,
                     bus: 1, seconds: 5, microseconds: 2, status: -32, length: 0),
        UsbmonPacket(urbID: 8, event: .submission, transferType: .bulk, endpoint: 0x02, device: 5,
                     bus: 3, seconds: 6, microseconds: 999_999, status: -115, length: 10,
                     data: [0x6F, 0x05, 0, 0, 0, 0, 0, 0, 0, 0]),
        UsbmonPacket(urbID: 8, event: .completion, transferType: .bulk, endpoint: 0x02, device: 5,
                     bus: 3, seconds: 7, microseconds: 0, status: 0, length: 10),
        UsbmonPacket(urbID: 9, event: .submission, transferType: .bulk, endpoint: 0x83, device: 5,
                     bus: 3, status: -115, length: 65546),
        UsbmonPacket(urbID: 9, event: .completion, transferType: .bulk, endpoint: 0x83, device: 5,
                     bus: 3, status: -110, length: 0),
        UsbmonPacket(urbID: 10, event: .submission, transferType: .interrupt, endpoint: 0x81,
                     device: 5, bus: 3, status: -115, length: 8, interval: 8),
        UsbmonPacket(urbID: 10, event: .completion, transferType: .interrupt, endpoint: 0x81,
                     device: 5, bus: 3, status: 0, length: 2, data: [0x50, 0x03], interval: 8),
        UsbmonPacket(urbID: 11, event: .error, transferType: .bulk, endpoint: 0x02, device: 9,
                     bus: 65535, status: -19, length: 64, data: [UInt8](repeating: 0xAA, count: 64)),
        UsbmonPacket(urbID: 12, event: .submission, transferType: .isochronous, endpoint: 0x84,
                     device: 5, bus: 3, status: -115, length: 192, interval: 1, startFrame: 1234,
                     transferFlags: 0x0201),
    ]
}

/// Hand-built pcapng blocks, in either byte order.
struct PcapngBuilder {
    var bigEndian: Bool
    var bytes: [UInt8] = []

    private func u16(_ v: UInt16) -> [UInt8] {
        var out: [UInt8] = []
        if bigEndian { out.appendBE16(v) } else { out.appendLE16(v) }
        return out
    }

    private func u32(_ v: UInt32) -> [UInt8] {
        var out: [UInt8] = []
        if bigEndian { out.appendBE32(v) } else { out.appendLE32(v) }
        return out
    }

    mutating func block(_ type: UInt32, _ body: [UInt8]) {
        let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
        let total = UInt32(12 + padded.count)
        bytes += u32(type) + u32(total) + padded + u32(total)
    }

    mutating func sectionHeader() {
        block(0x0A0D_0D0A, u32(0x1A2B_3C4D) + u16(1) + u16(0) + [UInt8](repeating: 0xFF, count: 8))
    }

    /// `tsresol` nil: the default microseconds.
    mutating func interface(linkType: UInt16, snapLength: UInt32 = 0, tsresol: UInt8? = nil) {
        var body = u16(linkType) + u16(0) + u32(snapLength)
        if let tsresol { body += u16(9) + u16(1) + [tsresol, 0, 0, 0] + u16(0) + u16(0) }
        block(1, body)
    }

    mutating func enhancedPacket(interface: UInt32, timestamp: UInt64, _ data: [UInt8]) {
        block(6, u32(interface) + u32(UInt32(timestamp >> 32)) + u32(UInt32(truncatingIfNeeded: timestamp))
            + u32(UInt32(data.count)) + u32(UInt32(data.count)) + data)
    }

    mutating func simplePacket(_ data: [UInt8]) {
        block(3, u32(UInt32(data.count)) + data)
    }
}

/// A usbmon header (link type 189 or 220) in a chosen byte order, as a capturing host wrote it.
func usbmonRecord(_ p: UsbmonPacket, mmapped: Bool, bigEndian: Bool) -> [UInt8] {
    var out: [UInt8] = []
    func u16(_ v: UInt16) { if bigEndian { out.appendBE16(v) } else { out.appendLE16(v) } }
    func u32(_ v: UInt32) { if bigEndian { out.appendBE32(v) } else { out.appendLE32(v) } }
    func u64(_ v: UInt64) { if bigEndian { u32(UInt32(v >> 32)); u32(UInt32(truncatingIfNeeded: v)) } else { out.appendLE64(v) } }
    u64(p.urbID)
    out += [p.event.rawValue, p.transferType.rawValue, p.endpoint, p.device]
    u16(p.bus)
    out += [p.setup == nil ? 0x2D : 0, p.data.isEmpty ? 0x3C : 0x3D]
    u64(UInt64(bitPattern: p.seconds))
    u32(UInt32(bitPattern: p.microseconds))
    u32(UInt32(bitPattern: p.status))
    u32(p.length)
    u32(UInt32(p.data.count))
    out += p.setup ?? [UInt8](repeating: 0, count: 8)
    if mmapped {
        u32(UInt32(bitPattern: p.interval)); u32(UInt32(bitPattern: p.startFrame)); u32(p.transferFlags); u32(0)
    }
    return out + p.data
}
