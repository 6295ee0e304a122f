import CCID
import USBLink

/// Whether an attached reader answers at all: what the hotplug daemon asks when a reader
/// appears, apart from any card session.
///
/// One PC_to_RDR_GetSlotStatus on slot 0, the one command every CCID reader must answer
/// whatever its slots hold (CCID 1.1 §6.1.3), read raw rather than through `CCIDReader`:
/// a silent reader gets no abort procedure here (it would be a second unanswered request),
/// and a failed command is still an answer. Any well-formed RDR_to_PC message with our
/// bSeq counts; answers left over from an earlier session (another bSeq) are dropped.
public struct ReaderHealthCheck: Sendable {
    public var timeout: Duration

    public init(timeout: Duration = .seconds(3)) {
        self.timeout = timeout
    }

    /// True when the reader answered within `timeout`. Leaves the link open.
    public func answers(_ link: any USBLink) async -> Bool {
        let sequence: UInt8 = 0
        let command = CCIDMessage(slot: 0, sequence: sequence, payload: .getSlotStatus).encode()
        // The same read size as a session's (descriptor and quirks), so a recorded probe
        // replays like one; a reader with no usable descriptor still gets the least size.
        let declared = (try? CCIDReader(link: link))?.maxMessageLength ?? 0
        let readLength = max(declared, CCIDReader.shortAPDUMessageLength)
        let deadline = Deadline.after(timeout)
        do {
            try await link.bulkOut(command, endpoint: link.device.bulkOutEndpoint, deadline: deadline)
            for _ in 0..<Self.staleAnswersDropped {
                let frame = try await link.bulkIn(maxLength: readLength, endpoint: link.device.bulkInEndpoint,
                                                  deadline: deadline)
                guard let disposition = try? CCIDResponseMatcher.classify(expectedSequence: sequence, frame: frame) else {
                    return false  // garbage is not an answer
                }
                if case .stale = disposition { continue }
                return true
            }
        } catch {
            return false
        }
        return false
    }

    /// More than a reader's queue could hold from an abandoned session.
    static let staleAnswersDropped = 8
}
