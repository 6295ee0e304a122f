/// The Hotplug module's one error type: a code to switch on and a message for the user.
public struct HotplugError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// libudev could not be set up or queried.
        case udev
        /// The monitor socket or its wakeup descriptor could not be set up.
        case monitor
        /// `events()` was called a second time on one monitor.
        case alreadyStarted
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "hotplug \(code.rawValue): \(message)" }
}
