import Power
import Testing

@Suite struct HubDescriptorTests {
    /// A 4-port USB 2.0 hub with per-port power switching and per-port over-current
    /// protection (wHubCharacteristics 0x0009), bPwrOn2PwrGood 50 (100 ms), as a Genesys
    /// GL852G reports it.
    static let perPortHub: [UInt8] = [0x09, 0x29, 0x04, 0x09, 0x00, 0x32, 0x64, 0x00, 0xFF]

    @Test func perPortPowerSwitching() throws {
        let hub = try HubDescriptor(parsing: Self.perPortHub)
        #expect(hub.descriptorType == 0x29)
        #expect(hub.portCount == 4)
        #expect(hub.characteristics == 0x0009)
        #expect(hub.powerSwitching == .perPort)
    }

    @Test("wHubCharacteristics bits 1..0", arguments: [
        (UInt16(0x0000), HubDescriptor.PowerSwitching.ganged), (0x0001, .perPort), (0x0002, .none), (0x0003, .none),
        (0x00E0, .ganged), (0x00A9, .perPort),
    ])
    func switching(_ characteristics: UInt16, _ expected: HubDescriptor.PowerSwitching) throws {
        var bytes = Self.perPortHub
        bytes[3] = UInt8(characteristics & 0xFF)
        bytes[4] = UInt8(characteristics >> 8)
        #expect(try HubDescriptor(parsing: bytes).powerSwitching == expected)
    }

    @Test func superSpeedHubDescriptor() throws {
        // USB 3 hub descriptor (type 0x2A, 12 bytes): 4 ports, per-port switching.
        let bytes: [UInt8] = [0x0C, 0x2A, 0x04, 0x09, 0x00, 0x32, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]
        let hub = try HubDescriptor(parsing: bytes)
        #expect(hub.descriptorType == 0x2A && hub.powerSwitching == .perPort)
    }

    @Test func errorsNameTheField() {
        #expect(throws: PowerParseError(field: "wHubCharacteristics", offset: 3,
                                        "truncated input: wHubCharacteristics needs 2 byte(s) at offset 3, 1 left")) {
            try HubDescriptor(parsing: Array(Self.perPortHub.prefix(4)))
        }
        #expect(throws: PowerParseError(field: "bDescriptorType", offset: 1, "0x1 is not a hub descriptor (0x29 or 0x2a)")) {
            try HubDescriptor(parsing: [0x12, 0x01, 0x00, 0x02, 0x00])
        }
        #expect(throws: PowerParseError(field: "bLength", offset: 0, "3 is shorter than a hub descriptor (7)")) {
            try HubDescriptor(parsing: [0x03, 0x29, 0x04])
        }
    }

    /// Every truncation, every value of every byte, and every 2-byte input: the parser
    /// reads what a hub (or anything at that address) sends, so it must never trap.
    @Test func neverTrapsOnAnyBytes() {
        var inputs = (0...Self.perPortHub.count).map { Array(Self.perPortHub.prefix($0)) }
        for index in Self.perPortHub.indices {
            for value in 0...255 {
                var changed = Self.perPortHub
                changed[index] = UInt8(value)
                inputs.append(changed)
            }
        }
        for value in 0...0xFFFF { inputs.append([UInt8(value >> 8), UInt8(value & 0xFF)]) }
        var parsed = 0
        for bytes in inputs {
            if let hub = try? HubDescriptor(parsing: bytes) {
                parsed += 1
                #expect(hub.portCount == Int(bytes[2]))
            }
        }
        #expect(parsed > 0)
    }
}
