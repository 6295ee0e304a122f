/// Timing and retry bounds of a reader session. The defaults follow libccid: a 5 s write
/// timeout, a 3 s floor on every read, a few retries on CMD_SLOT_BUSY. Tests shorten them.
public struct CCIDReaderOptions: Sendable, Hashable {
    /// Floor on the wait for any answer (libccid DEFAULT_COM_READ_TIMEOUT).
    public var minimumReadTimeout: Duration = .seconds(3)
    /// Added to computed card timeouts (BWT/WWT) for USB and reader latency.
    public var readMargin: Duration = .seconds(1)
    /// Bulk OUT deadline: the reader is idle when we write, so this is only a sanity bound.
    public var writeTimeout: Duration = .seconds(5)
    /// Retries after CMD_SLOT_BUSY before giving up.
    public var busyRetries = 5
    /// Back-off before the first retry; it grows linearly with each retry.
    public var busyBackoff: Duration = .milliseconds(20)
    /// Deadline of each step of the abort procedure.
    public var abortTimeout: Duration = .seconds(2)
    /// Consecutive failures (timeouts, garbage, failed aborts) after which the reader is faulty.
    public var faultThreshold = 3
    /// Frames with a foreign bSeq dropped while waiting for one answer before calling it garbage.
    public var maxStaleFrames = 32

    public init() {}
}
