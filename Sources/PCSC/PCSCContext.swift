import CPCSCLite
import TrustedPathCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PC/SC resource manager context (SCardEstablishContext): lists readers and waits for
/// reader and card events. Released when the last reference goes.
///
/// pcsc-lite serializes the calls of one context, so a context blocked in `waitForChange`
/// holds up card calls made through it: monitor with one context and talk to cards through
/// another (pcsc-lite's own advice: a context per thread of work).
public final class PCSCContext: Sendable {
    let handle: SCARDCONTEXT
    /// Serial, like pcsc-lite's own handling of one context. A serial queue also gets a thread
    /// of its own on Linux, where a concurrent queue shares the CPU-count-sized pool: with
    /// two cores a third blocked wait would queue behind the first two.
    let blocking = BlockingQueue(label: "PCSCContext")

    public init(scope: Scope = .system) throws(PCSCError) {
        var context: SCARDCONTEXT = 0
        try check(SCardEstablishContext(scope.rawValue, nil, nil, &context), "SCardEstablishContext")
        handle = context
    }

    deinit {
        SCardReleaseContext(handle)
    }

    public enum Scope: DWORD, Sendable {
        case user = 0, terminal = 1, system = 2
    }

    /// Whether pcscd still knows this context (SCardIsValidContext); false after pcscd restarts.
    public var isValid: Bool { SCardIsValidContext(handle) == 0 }

    /// The names of the attached readers; empty when there are none (not an error here).
    public func readers() async throws(PCSCError) -> [String] {
        let handle = handle
        return try await blocking.run { () throws(PCSCError) -> [String] in
            var length: DWORD = 0
            let first = SCardListReaders(handle, nil, nil, &length)
            if UInt32(truncatingIfNeeded: first) == PCSCError.Code.noReadersAvailable.rawValue { return [] }
            try check(first, "SCardListReaders")
            var buffer = [CChar](repeating: 0, count: Int(length))
            let second = SCardListReaders(handle, nil, &buffer, &length)
            if UInt32(truncatingIfNeeded: second) == PCSCError.Code.noReadersAvailable.rawValue { return [] }
            try check(second, "SCardListReaders")
            return PCSCContext.parseMultiString(buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) })
        }
    }

    /// A PC/SC multi-string: NUL-terminated strings, the list ended by an empty one.
    public static func parseMultiString(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0, omittingEmptySubsequences: true).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Waits until one of `readers` differs from the state given for it, then returns the new
    /// states of all of them (SCardGetStatusChange). Pass `.unaware(name)` to learn the
    /// current state at once; include `PCSCReaderState.plugAndPlayNotification` to wake when
    /// a reader is attached or detached. Task cancellation cancels the wait (SCardCancel).
    ///
    /// - Parameter timeout: nil waits for ever.
    /// - Throws: `PCSCError` with `.timeout` when nothing changed in time, `.cancelled` on cancellation.
    public func waitForChange(readers: [PCSCReaderState], timeout: Duration?) async throws(PCSCError) -> [PCSCReaderState] {
        let handle = handle
        let milliseconds: DWORD = timeout.map { DWORD(max(0, $0.wholeMilliseconds)) } ?? 0xFFFF_FFFF
        if Task.isCancelled { throw PCSCError(.cancelled, operation: "SCardGetStatusChange") }
        let flag = CancellationFlag()
        // withTaskCancellationHandler does not carry a typed throw through; a Result does.
        let result = await withTaskCancellationHandler { () async -> Result<[PCSCReaderState], PCSCError> in
            do throws(PCSCError) { return .success(try await blocking.run { () throws(PCSCError) -> [PCSCReaderState] in
                // The names must outlive the call: pcsc-lite keeps only the pointers.
                let names = readers.map { strdup($0.reader) }
                defer { names.forEach { free($0) } }
                var states = readers.enumerated().map { index, state in
                    var raw = SCARD_READERSTATE()
                    raw.szReader = UnsafePointer(names[index])
                    raw.dwCurrentState = state.currentStateWord
                    return raw
                }
                // A cancel between this check and pcscd starting the wait is still missed; that
                // window is microseconds wide, where without the flag it was the queue's backlog.
                if flag.isCancelled { throw PCSCError(.cancelled, operation: "SCardGetStatusChange") }
                try check(SCardGetStatusChange(handle, milliseconds, &states, DWORD(states.count)),
                          "SCardGetStatusChange(\(readers.map(\.reader)))")
                return states.enumerated().map { index, raw in
                    let atr = withUnsafeBytes(of: raw.rgbAtr) { Array($0.prefix(min(Int(raw.cbAtr), $0.count))) }
                    return PCSCReaderState(reader: readers[index].reader, eventState: raw.dwEventState, atr: atr)
                }
            }) } catch { return .failure(error) }
        } onCancel: {
            flag.cancel()
            SCardCancel(handle)
        }
        return try result.get()
    }

    /// Waits until a card is present in `reader` and returns its state (with the ATR).
    public func waitForCard(in reader: String, timeout: Duration?) async throws(PCSCError) -> PCSCReaderState {
        let state = try await waitUntil(reader, timeout: timeout) { $0.isCardPresent || $0.isUnknownReader }
        if !state.isCardPresent { throw PCSCError(.unknownReader, operation: "SCardGetStatusChange(\(reader))") }
        return state
    }

    /// Waits until `reader` is empty (the card was removed) and returns its state.
    public func waitForRemoval(in reader: String, timeout: Duration?) async throws(PCSCError) -> PCSCReaderState {
        try await waitUntil(reader, timeout: timeout) { !$0.flags.contains(.present) }
    }

    /// Follows `reader`'s state changes until `done` holds, within one overall deadline.
    private func waitUntil(_ reader: String, timeout: Duration?,
                           _ done: (PCSCReaderState) -> Bool) async throws(PCSCError) -> PCSCReaderState {
        var state = PCSCReaderState.unaware(reader)
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now + $0 }
        while true {
            let left = deadline.map { max(.zero, $0 - clock.now) }
            state = try await waitForChange(readers: [state], timeout: left)[0]
            if done(state) { return state }
        }
    }
}
