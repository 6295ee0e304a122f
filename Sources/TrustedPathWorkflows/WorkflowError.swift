/// The one error of the workflows: what was wrong and what to do, in the operator's words (the
/// lower layers' errors are turned into these where they meet the operator), and a code for a
/// program to switch on.
public struct WorkflowError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// An option or a combination of them is wrong; nothing was touched.
        case invalidRequest
        /// No reader (or PED) where one was looked for; nothing was touched.
        case noDevice
        /// The reader could not be opened or stopped answering.
        case device
        /// A file to read or write: missing, unreadable, unwritable, of the wrong kind.
        case file
        /// The ceremony journal cannot be read or written.
        case journal
        /// What the card, the pad or the ceremony refused or reported.
        case refused
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
