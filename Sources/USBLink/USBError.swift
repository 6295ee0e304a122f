/// Every failure a link reports. The message says what the user can do about it.
public struct USBError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The deadline passed before the transfer finished.
        case timeout
        /// The endpoint halted (STALL); the device refused the request.
        case stall
        /// The device is gone: unplugged, reset away, or never there.
        case noDevice
        /// Another driver holds the interface (pcscd's libccid, usually).
        case busy
        /// The device node is not accessible to this user.
        case accessDenied
        /// The device sent more than was asked for.
        case overflow
        /// The OUT transfer differs from the recording being replayed.
        case replayMismatch
        /// Any other transport failure.
        case io
        /// The link was closed by us.
        case closed
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var description: String {
        let what: String
        switch code {
        case .timeout: what = "the device did not answer in time"
        case .stall: what = "the device stalled the endpoint (request refused)"
        case .noDevice: what = "the device is gone (unplugged or reset); plug it in again"
        case .busy:
            what = "the interface is claimed by another driver, most likely pcscd: stop pcscd "
                + "(systemctl stop pcscd.socket pcscd) or use the PC/SC backend"
        case .accessDenied:
            what = "no permission to open the device: install udev/60-trustedpath.rules and "
                + "add this user to the trustedpath group, then replug the device"
        case .overflow: what = "the device sent more data than was requested"
        case .replayMismatch: what = "the OUT transfer differs from the recording"
        case .io: what = "USB I/O error"
        case .closed: what = "the link is closed"
        }
        return context.isEmpty ? what : "\(what): \(context)"
    }

    public static func timeout(_ context: String = "") -> USBError { USBError(.timeout, context) }
    public static func stall(_ context: String = "") -> USBError { USBError(.stall, context) }
    public static func noDevice(_ context: String = "") -> USBError { USBError(.noDevice, context) }
}
