#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Transcript

/// Writes a recording to a usbmon pcap file (link type 220) as it happens: each packet is
/// written when it is recorded, so a session that crashes still leaves a capture that
/// Wireshark opens and `ReplayLink` or umockdev replays up to the crash.
public final class PcapFileSink: CaptureSink {
    private struct State {
        var descriptor: Int32
        var failure: String?
    }

    private let writer = UsbmonCaptureWriter()
    private let state: Mutex<State>
    public let path: String

    /// Creates (or truncates) `path` and writes the pcap file header.
    public init(path: String) throws(USBError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw USBError(.io, "cannot create the capture \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
        state = Mutex(State(descriptor: fd))
        write(writer.fileHeader())
    }

    deinit { close() }

    public func record(_ packet: UsbmonPacket) {
        write(writer.record(packet))
    }

    /// The first write error, if any: recording never fails the transfer it records.
    public var failure: String? { state.withLock { $0.failure } }

    public func close() {
        state.withLock { state in
            if state.descriptor >= 0 { _ = Glibc.close(state.descriptor) }
            state.descriptor = -1
        }
    }

    private func write(_ bytes: [UInt8]) {
        state.withLock { state in
            guard state.descriptor >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(state.descriptor, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 {
                    if state.failure == nil { state.failure = "writing \(path): \(String(cString: strerror(errno)))" }
                    return
                }
                offset += n
            }
        }
    }
}
