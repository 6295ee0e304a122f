import CLibUSB
import USBLink

/// Maps libusb's return codes and transfer states onto `USBError`, so callers above the
/// link never see a libusb number and always get a message that says what to do.
enum LibUSBStatus {
    /// The name libusb gives an error code ("LIBUSB_ERROR_PIPE"), for contexts.
    static func name(_ code: Int32) -> String {
        guard let cName = libusb_error_name(code) else { return "libusb error \(code)" }
        return String(cString: cName)
    }

    /// A negative `libusb_error` from a synchronous call.
    static func error(_ code: Int32, _ what: String) -> USBError {
        let context = "\(what): \(name(code))"
        switch code {
        case LIBUSB_ERROR_BUSY.rawValue: return USBError(.busy, context)
        case LIBUSB_ERROR_ACCESS.rawValue: return USBError(.accessDenied, context)
        case LIBUSB_ERROR_NO_DEVICE.rawValue: return USBError(.noDevice, context)
        case LIBUSB_ERROR_PIPE.rawValue: return USBError(.stall, context)
        case LIBUSB_ERROR_TIMEOUT.rawValue: return USBError(.timeout, context)
        case LIBUSB_ERROR_OVERFLOW.rawValue: return USBError(.overflow, context)
        default: return USBError(.io, context)
        }
    }

    /// The final state of an asynchronous transfer that did not complete normally.
    /// `cancelled` is what a cancellation we asked for means (closed link or task cancel).
    static func transferError(_ status: libusb_transfer_status, _ what: String,
                              cancelled: USBError?) -> USBError {
        switch status {
        case LIBUSB_TRANSFER_TIMED_OUT: return USBError(.timeout, what)
        case LIBUSB_TRANSFER_STALL: return USBError(.stall, what)
        case LIBUSB_TRANSFER_NO_DEVICE: return USBError(.noDevice, what)
        case LIBUSB_TRANSFER_OVERFLOW: return USBError(.overflow, what)
        case LIBUSB_TRANSFER_CANCELLED: return cancelled ?? USBError(.io, "\(what): cancelled")
        default: return USBError(.io, "\(what): LIBUSB_TRANSFER_ERROR")
        }
    }
}
