import CCID
import USBLink

/// A fake `USBLink` playing a strict script: every bulk OUT and control transfer must be
/// the next step and equal its bytes; bulk IN returns the next scripted answer (or times out
/// at once, standing in for a silent reader). Interrupt reads come from their own queue and
/// end with `noDevice`, which stands for an unplugged reader.
actor ScriptedLink: USBLink {
    enum Step: Sendable {
        case out([UInt8])
        case reply([UInt8])
        case silence
        case control(USBControlSetup)
        /// A control IN request answered with these bytes, or stalled when nil.
        case controlIn(USBControlSetup, answer: [UInt8]?)
    }

    nonisolated let device: USBDeviceInfo
    private var steps: [Step]
    private var interrupts: [[UInt8]]
    private(set) var failures: [String] = []
    private(set) var sent: [[UInt8]] = []

    init(_ steps: [Step], interrupts: [[UInt8]] = [], interruptEndpoint: UInt8? = nil,
         vendorID: UInt16 = 0x1234, productID: UInt16 = 0x5678, bcdDevice: UInt16 = 0x0100,
         descriptor: [UInt8] = []) {
        self.steps = steps
        self.interrupts = interrupts
        device = USBDeviceInfo(busNumber: 1, deviceAddress: 5, vendorID: vendorID, productID: productID,
                               bcdDevice: bcdDevice, bulkOutEndpoint: 0x02, bulkInEndpoint: 0x82,
                               interruptInEndpoint: interruptEndpoint, classDescriptor: descriptor)
    }

    var remaining: Int { steps.count }

    private func fail(_ text: String) -> USBError {
        failures.append(text)
        return USBError(.replayMismatch, text)
    }

    func bulkOut(_ data: [UInt8], endpoint: UInt8, deadline: Deadline) async throws(USBError) {
        sent.append(data)
        guard !steps.isEmpty else { throw fail("unexpected bulk OUT \(hex(data)): script finished") }
        guard case .out(let expected) = steps.removeFirst() else { throw fail("bulk OUT \(hex(data)) where the script reads") }
        guard expected == data else { throw fail("bulk OUT \(hex(data)), expected \(hex(expected))") }
    }

    func bulkIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        guard !steps.isEmpty else { throw fail("unexpected bulk IN: script finished") }
        switch steps.removeFirst() {
        case .reply(let data):
            guard data.count <= maxLength else { throw USBError(.overflow) }
            return data
        case .silence: throw USBError.timeout("scripted silence")
        default: throw fail("bulk IN where the script expects an OUT or control")
        }
    }

    func control(_ setup: USBControlSetup, data: [UInt8], deadline: Deadline) async throws(USBError) -> [UInt8] {
        let expected: USBControlSetup, answer: [UInt8]?
        switch steps.isEmpty ? nil : steps.removeFirst() {
        case .control(let setup)?: (expected, answer) = (setup, [])
        case .controlIn(let setup, let data)?: (expected, answer) = (setup, data)
        default: throw fail("unexpected control \(hex(setup.bytes))")
        }
        guard expected == setup else { throw fail("control \(hex(setup.bytes)), expected \(hex(expected.bytes))") }
        guard let answer else { throw USBError(.stall, "scripted stall") }
        return answer
    }

    func interruptIn(maxLength: Int, endpoint: UInt8, deadline: Deadline) async throws(USBError) -> [UInt8] {
        guard !interrupts.isEmpty else { throw USBError.noDevice("script finished") }
        return interrupts.removeFirst()
    }

    func reset(deadline: Deadline) async throws(USBError) {}
    func close() async {}
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
        .joined(separator: " ")
}
