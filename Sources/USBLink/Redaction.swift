/// Rewrites the payload of a transfer before it is recorded, so secrets (the PIN bytes of a
/// plain VERIFY, share and key payloads) never reach a capture. It sees OUT data (endpoint
/// without the 0x80 bit) and IN data alike, in the order they crossed the link, and must keep
/// the length: replay matches a submission on its length, and `ReplayLink` applies the same
/// redactor to the host's OUT bytes before comparing, so a redacted recording still replays
/// strictly. (IN data replays as recorded: redacted answers come back redacted.)
public struct Redactor: Sendable {
    public let redact: @Sendable (_ endpoint: UInt8, _ data: [UInt8]) -> [UInt8]

    public init(_ redact: @escaping @Sendable (_ endpoint: UInt8, _ data: [UInt8]) -> [UInt8]) {
        self.redact = redact
    }

    public static let none = Redactor { _, data in data }

    /// Applies the redaction, refusing (by returning a fully blanked copy) one that changed the
    /// length, so a faulty redactor can only over-redact, never leak.
    public func apply(endpoint: UInt8, _ data: [UInt8]) -> [UInt8] {
        let out = redact(endpoint, data)
        return out.count == data.count ? out : [UInt8](repeating: Redactor.filler, count: data.count)
    }

    /// The byte redacted positions carry: 0xFF is not a digit in any PIN block format.
    public static let filler: UInt8 = 0xFF
}
