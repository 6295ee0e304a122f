/// Everything that can go wrong in the T=1 block protocol (ISO 7816-3 §11).
///
/// The codec throws the parse codes (`badEDC`, `lengthMismatch`, ...) so the engine can answer
/// with an R-block carrying the right error bits; the engine throws the session codes after its
/// recovery rules (§11.6) are exhausted.
public struct T1Error: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: Hashable, Sendable {
        /// Fewer bytes than prologue + epilogue.
        case truncated
        /// LEN does not match the number of bytes received.
        case lengthMismatch
        /// LEN = 255 is reserved (§11.3.2.3).
        case reservedLength
        /// The LRC/CRC does not match: the block was garbled on the line.
        case badEDC
        /// A PCB that names no block type, or an S-block with a bad INF.
        case invalidBlock
        /// No block within BWT. A transport throws this when the reader reports a mute card,
        /// so the engine can apply the lost-block rules.
        case timeout
        /// Retries and resynchronisation failed without any answer from the card.
        case cardNotResponding
        /// Retries and resynchronisation failed although the card answered.
        case resetNeeded
        /// The card answered S(RESYNCH); sequence numbers are reset, the command's fate is unknown.
        case resynchronized
        /// The card aborted the chain with S(ABORT request).
        case abortedByCard
        /// The card sent more response data than the configured bound.
        case responseTooLong
        /// The card refused the IFSD negotiation.
        case ifsNegotiationFailed
        /// A parameter given by the caller is out of range (empty APDU, ...).
        case invalidParameter
        /// A second exchange was started while one is running on the same engine.
        case busy
    }

    public var code: Code
    /// What was seen: the field, the offset, the block; short, no secrets.
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var description: String {
        let text: String
        switch code {
        case .truncated: text = "T=1 block too short"
        case .lengthMismatch: text = "T=1 block LEN does not match the bytes received"
        case .reservedLength: text = "T=1 block uses the reserved LEN 255"
        case .badEDC: text = "T=1 block checksum (LRC/CRC) is wrong; the line is noisy or the EDC kind from the ATR is wrong"
        case .invalidBlock: text = "T=1 block has an invalid PCB or INF"
        case .timeout: text = "no T=1 block within the block waiting time"
        case .cardNotResponding: text = "card not responding; check that it is inserted and powered, then reset it"
        case .resetNeeded: text = "T=1 protocol error that resynchronisation could not repair; the card needs a reset"
        case .resynchronized: text = "T=1 link was resynchronised; the command may or may not have run, check the card state and retry"
        case .abortedByCard: text = "the card aborted the T=1 chain; retry the command"
        case .responseTooLong: text = "the card's response exceeds the allowed size; the card misbehaves, reset it"
        case .ifsNegotiationFailed: text = "the card did not accept the IFSD; continue with the default 32 or reset the card"
        case .invalidParameter: text = "invalid T=1 parameter"
        case .busy: text = "another T=1 exchange is running on this card; serialise the calls"
        }
        return context.isEmpty ? text : text + " (" + context + ")"
    }
}
