import Synchronization
import TrustedPathCore

/// A TCOS 3.0 card in software: APDU bytes in, response bytes (data + SW) out. It answers
/// OpenSC 0.23 the way the card in Fixtures/reference/opensc-tcos-apdus.txt did, so
/// pcscd + OpenSC can run against it through the vpcd bridge, and it carries the TrustedPath
/// slots (TCOSSlot) for the appliance's own code.
///
/// A class behind a mutex rather than an actor: the CCID reader simulator calls `process`
/// synchronously from inside its own message handling, and a `ByteCardChannel` closure can
/// capture it because it is `Sendable`.
public final class SimulatedTCOSCard: Sendable {
    /// The TCOS 3.0 ATR OpenSC's card-tcos.c matches.
    public static let tcos3ATR: [UInt8] = [0x3B, 0xBF, 0x96, 0x00, 0x81, 0x31, 0xFE, 0x5D, 0x00, 0x64, 0x04, 0x11,
                                           0x03, 0x01, 0x31, 0xC0, 0x73, 0xF7, 0x01, 0xD0, 0x00, 0x90, 0x00, 0x7D]

    let state: Mutex<SimulatedTCOSState>

    public init(profile: Profile = .trustedPath) {
        state = Mutex(profile.makeState())
    }

    /// Restores a card exported with `exportState()`.
    public init(importing bytes: [UInt8]) throws(SimulatedTCOSStateError) {
        state = Mutex(try SimulatedTCOSState(importing: bytes))
    }

    public var atr: [UInt8] {
        get { state.withLock { $0.atr } }
        set { state.withLock { $0.atr = newValue } }
    }

    /// One command APDU, one response APDU; never traps on any input.
    public func process(_ command: [UInt8]) -> [UInt8] {
        state.withLock { $0.process(command) }
    }

    /// A power cycle: security state gone, MF selected. Files and counters stay.
    public func reset() {
        state.withLock { $0.resetSession() }
    }

    /// The persistent state (files, PINs, counters) in the text format described at
    /// `SimulatedTCOSState.exported()`. It holds the PINs: write it to a private file only.
    public func exportState() -> [UInt8] {
        state.withLock { $0.exported() }
    }
}
