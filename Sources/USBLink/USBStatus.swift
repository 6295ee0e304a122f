import Transcript

/// Linux URB status codes (negated errno) as a capture records them, and the link errors
/// they stand for. Recording maps errors to statuses; replay maps them back.
public enum USBStatus {
    public static let ok: Int32 = 0
    public static let inProgress: Int32 = -115   // EINPROGRESS: every submission
    public static let stall: Int32 = -32         // EPIPE
    public static let noDevice: Int32 = -19      // ENODEV
    public static let shutdown: Int32 = -108     // ESHUTDOWN: device gone while pending
    public static let timedOut: Int32 = -110     // ETIMEDOUT
    public static let cancelled: Int32 = -2      // ENOENT: unlinked, which is how libusb times out
    public static let reset: Int32 = -104        // ECONNRESET: unlinked asynchronously
    public static let overflow: Int32 = -75      // EOVERFLOW
    public static let protocolError: Int32 = -71 // EPROTO

    /// The link error a completion status means, or nil for success.
    public static func error(for status: Int32, frame: Int?) -> USBError? {
        let at = frame.map { "recorded at frame \($0)" } ?? ""
        switch status {
        case ok: return nil
        case stall: return USBError(.stall, at)
        case noDevice, shutdown: return USBError(.noDevice, at)
        case timedOut, cancelled, reset: return USBError(.timeout, at)
        case overflow: return USBError(.overflow, at)
        default: return USBError(.io, "status \(status)" + (at.isEmpty ? "" : ", " + at))
        }
    }

    /// The status a capture records for a link error.
    public static func status(for error: USBError) -> Int32 {
        switch error.code {
        case .stall: return stall
        case .noDevice: return noDevice
        case .timeout: return cancelled
        case .overflow: return overflow
        case .busy, .accessDenied, .replayMismatch, .io, .closed: return protocolError
        }
    }
}
