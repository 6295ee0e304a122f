import CCID
import TrustedPathCore
import USBLink

/// The rate a session runs the card at, chosen as libccid's IFDHSetProtocolParameters does:
/// from TA1, dwMaxDataRate and the list of rates the reader gives for GET_DATA_RATES.
extension CCIDReader {
    /// The Fi/Di (coded as TA1) to ask for by PPS and SetParameters:
    /// - TA1 absent or reserved, implicit in specific mode, or no faster than Fd/Dd: 0x11;
    /// - a rate the reader takes: TA1;
    /// - a card faster than dwMaxDataRate with TA1 at most 0x97: the fastest of TA1-1 down
    ///   to 0x94 that the reader takes (libccid's "adapted speed"), else 0x11.
    /// A card in specific mode (TA2) runs at TA1's rate only; when the reader lists its rates
    /// and that one is not among them, the card is refused, as libccid refuses it, rather
    /// than talked to at a rate it does not use.
    func chooseFiDi(_ atr: ATR) async throws(CCIDReaderError) -> UInt8 {
        guard let ta1 = atr.ta(1), atr.specificMode?.implicitParameters != true,
              let rate = cardRate(ta1), let defaultRate = cardRate(0x11), rate > defaultRate else { return 0x11 }
        let maxRate = Int(descriptor.dwMaxDataRate)
        if rate <= maxRate {
            if await readerTakes(rate, limit: maxRate) { return ta1 }
            if atr.specificMode != nil {
                throw CCIDReaderError(.unsupported, "the card runs at \(rate) bit/s only (TA1 0x\(Hex.encode([ta1])), "
                                      + "specific mode), a rate this reader does not list")
            }
        } else if atr.specificMode == nil, rate > maxRate + 2, ta1 <= 0x97 {
            for lower in stride(from: ta1 - 1, through: 0x94, by: -1) {
                if let slower = cardRate(lower), await readerTakes(slower, limit: maxRate) { return lower }
            }
        }
        return 0x11
    }

    /// Bits per second at the reader's default clock for a TA1 coding; nil for reserved values.
    nonisolated func cardRate(_ fiDi: UInt8) -> Int? {
        let fiIndex = Int(fiDi >> 4), diIndex = Int(fiDi & 0x0F)
        guard ATRTables.fi.indices.contains(fiIndex), let fi = ATRTables.fi[fiIndex],
              ATRTables.di.indices.contains(diIndex), let di = ATRTables.di[diIndex] else { return nil }
        return Int(descriptor.dwDefaultClock) * 1000 * di / fi
    }

    /// Whether the reader takes `rate`: in the list it gives for GET_DATA_RATES, within 1 bps
    /// as libccid's find_baud_rate allows (the list and our division may round apart); or,
    /// when it gives none, up to `limit`.
    private func readerTakes(_ rate: Int, limit: Int) async -> Bool {
        guard let rates = await supportedDataRates() else { return rate <= limit }
        return rates.contains { abs(Int($0) - rate) < 2 }
    }

    /// The data rates the reader lists (CCID 1.1 §5.3.3), asked once and only when a rate is
    /// to be chosen. Asked whatever bNumDataRatesSupported says, as libccid does: readers
    /// with 0 there often list their rates all the same (GemPC Twin: 40 of them). nil when
    /// the request stalls or the answer is no whole number of rates: no list, no limit.
    func supportedDataRates() async -> [UInt32]? {
        if let known = dataRateTable { return known }
        let count = descriptor.bNumDataRatesSupported
        let request = CCIDClassRequest.getDataRates(interface: UInt16(link.device.interfaceNumber),
                                                    count: count == 0 ? .max : count)
        let setup = USBControlSetup(bmRequestType: request.bmRequestType, bRequest: request.bRequest,
                                    wValue: request.wValue, wIndex: request.wIndex, wLength: request.wLength)
        var table: [UInt32]? = nil
        if let answer = try? await link.control(setup, data: [], deadline: .after(options.abortTimeout)),
           let rates = try? CCIDClassRequest.parseValues(answer), !rates.isEmpty {
            table = rates
        }
        dataRateTable = .some(table)
        return table
    }
}
