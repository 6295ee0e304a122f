/// The driver's clocks (docs/ped-protocol.md, "Timeouts and keep-alive").
public struct PEDTimeouts: Sendable {
    public static let keyActivityRange = 200...600

    /// Seconds the PED waits for a key or a keypress, 200 to 600.
    public var keyActivitySeconds: Int
    /// While waiting for a long reply, a keep-alive goes out after this much silence.
    public var keepAliveInterval: Duration
    /// How long a keep-alive's reply may take before the PED counts as not answering.
    public var keepAliveReply: Duration
    /// Added to the key-activity time of an operation's steps for its whole deadline.
    public var operationMargin: Duration
    /// Requests that wait for nobody (hello, prompt, cancel).
    public var shortReply: Duration

    public init(keyActivitySeconds: Int = 200, keepAliveInterval: Duration = .seconds(5),
                keepAliveReply: Duration = .seconds(2), operationMargin: Duration = .seconds(30),
                shortReply: Duration = .seconds(5)) throws(PEDError) {
        guard PEDTimeouts.keyActivityRange.contains(keyActivitySeconds) else {
            throw PEDError(.invalidRequest, "the key-activity timeout is 200 to 600 seconds, not \(keyActivitySeconds)")
        }
        self.keyActivitySeconds = keyActivitySeconds
        self.keepAliveInterval = keepAliveInterval
        self.keepAliveReply = keepAliveReply
        self.operationMargin = operationMargin
        self.shortReply = shortReply
    }

    public static let standard = try! PEDTimeouts()

    /// The whole-operation deadline for a request that waits for `steps` key activities.
    func operation(steps: Int) -> Duration {
        .seconds(keyActivitySeconds * max(1, steps)) + operationMargin
    }
}
