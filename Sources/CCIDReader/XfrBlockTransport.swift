import CCID

/// The line under T=1 and T=0 on a TPDU-level reader: one XfrBlock round trip per block.
/// A mute card (ICC_MUTE) or a reader timeout becomes `T1Error(.timeout)` so the T=1 engine
/// applies its lost-block rules instead of ending the session.
public struct XfrBlockTransport: TPDUTransport {
    public let reader: CCIDReader
    public let slot: UInt8

    public init(reader: CCIDReader, slot: UInt8) {
        self.reader = reader
        self.slot = slot
    }

    public func transmit(_ bytes: [UInt8], waitMultiplier: UInt8) async throws -> [UInt8] {
        // Typed result first: a `catch where` on a typed error inside an untyped-throws
        // function crashes the 6.x compiler (SIL ownership verifier).
        let result: Result<[UInt8], CCIDReaderError>
        do { result = .success(try await reader.xfrBlock(slot: slot, bytes, bwi: waitMultiplier).data) } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let data): return data
        case .failure(let error):
            if error.code == .cardMute || error.code == .timeout { throw T1Error(.timeout, error.description) }
            throw error
        }
    }
}
