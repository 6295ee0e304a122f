/// The line under T=1 and T=0: sends one block (T=1) or TPDU (T=0) and returns the card's
/// answer. For a CCID TPDU-level reader this is one PC_to_RDR_XfrBlock / RDR_to_PC_DataBlock
/// round trip done by the slot layer; tests script it.
///
/// A transport reports an expired block waiting time (CCID: ICC_MUTE) by throwing
/// `T1Error(.timeout)` so that the T=1 engine can apply its lost-block rules; any other error
/// ends the exchange unchanged.
public protocol TPDUTransport: Sendable {
    /// - Parameter waitMultiplier: the card's last S(WTX) value (CCID bBWI): the reader should
    ///   wait this many BWTs for the answer. 0 means the normal BWT.
    func transmit(_ bytes: [UInt8], waitMultiplier: UInt8) async throws -> [UInt8]
}
