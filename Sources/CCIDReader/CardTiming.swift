import CCID

/// How long to wait for a card's answer through the reader, from the ISO 7816-3 waiting
/// times in force. Like libccid's T1_card_timeout / T0 waiting time: the card's own bound
/// plus the time to clock a full block through, plus a margin for the reader and USB; the
/// caller then applies the 3 s floor.
enum CardTiming {
    static func readTimeout(protocolNumber: Int, fiDi: UInt8, atr: ATR, clockKHz: UInt32,
                            margin: Duration) -> Duration {
        let hz = Double(clockKHz == 0 ? 4000 : clockKHz) * 1000
        let fiIndex = Int(fiDi >> 4), diIndex = Int(fiDi & 0x0F)
        let fi = Double(ATRTables.fi.indices.contains(fiIndex) ? ATRTables.fi[fiIndex] ?? 372 : 372)
        let di = Double(ATRTables.di.indices.contains(diIndex) ? ATRTables.di[diIndex] ?? 1 : 1)
        let etu = fi / (di * hz)
        let seconds: Double
        if protocolNumber == 1 {
            // BWT = 11 etu + 2^BWI * 960 * 372 / f; CWT = (11 + 2^CWI) etu; a block of up to 260 bytes.
            let bwt = 11 * etu + Double(1 << min(atr.bwi, 15)) * 960 * 372 / hz
            let cwt = Double(11 + (1 << min(atr.cwi, 15))) * etu
            seconds = bwt + 260 * cwt
        } else {
            // WWT = 960 * WI * Fi / f, between procedure bytes; 260 characters of 12 etu.
            let wwt = 960 * Double(atr.waitingInteger) * fi / hz
            seconds = 2 * wwt + 260 * 12 * etu
        }
        let nanoseconds = Int64(min(seconds, 3600) * 1_000_000_000)
        return .nanoseconds(nanoseconds) + margin
    }
}
