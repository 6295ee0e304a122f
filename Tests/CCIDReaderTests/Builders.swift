import CCID
@testable import CCIDReader
import USBLink

/// A CCID message as bytes: header fields in order, then data.
func message(_ type: UInt8, seq: UInt8, slot: UInt8 = 0, _ b7: UInt8 = 0, _ b8: UInt8 = 0, _ b9: UInt8 = 0,
             _ data: [UInt8] = []) -> [UInt8] {
    let n = UInt32(data.count)
    return [type, UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24), slot, seq, b7, b8, b9] + data
}

// PC_to_RDR
func getSlotStatus(seq: UInt8, slot: UInt8 = 0) -> [UInt8] { message(0x65, seq: seq, slot: slot) }
func powerOn(seq: UInt8, select: UInt8, slot: UInt8 = 0) -> [UInt8] { message(0x62, seq: seq, slot: slot, select) }
func powerOff(seq: UInt8, slot: UInt8 = 0) -> [UInt8] { message(0x63, seq: seq, slot: slot) }
func xfrBlock(seq: UInt8, _ data: [UInt8], bwi: UInt8 = 0, level: UInt16 = 0, slot: UInt8 = 0) -> [UInt8] {
    message(0x6F, seq: seq, slot: slot, bwi, UInt8(level & 0xFF), UInt8(level >> 8), data)
}
func setParameters(seq: UInt8, protocolNumber: UInt8, _ data: [UInt8]) -> [UInt8] {
    message(0x61, seq: seq, protocolNumber, 0, 0, data)
}

// RDR_to_PC. bStatus: 0x00 active, 0x01 inactive, 0x02 absent; | 0x40 failed, | 0x80 time extension.
func dataBlock(seq: UInt8, status: UInt8 = 0, error: UInt8 = 0, chain: UInt8 = 0, slot: UInt8 = 0,
               _ data: [UInt8] = []) -> [UInt8] {
    message(0x80, seq: seq, slot: slot, status, error, chain, data)
}
func slotStatus(seq: UInt8, status: UInt8 = 0, error: UInt8 = 0, slot: UInt8 = 0) -> [UInt8] {
    message(0x81, seq: seq, slot: slot, status, error, 0)
}
func parameters(seq: UInt8, protocolNumber: UInt8, _ data: [UInt8]) -> [UInt8] {
    message(0x82, seq: seq, 0, 0, protocolNumber, data)
}

/// GET_DATA_RATES as the reader session asks it of a descriptor with bNumDataRatesSupported 0:
/// room for 255 rates.
let getDataRates = USBControlSetup(bmRequestType: 0xA1, bRequest: 0x03, wValue: 0, wIndex: 0, wLength: 1020)

/// A GET_DATA_RATES answer: little-endian u32 bps values.
func dataRates(_ rates: [UInt32]) -> [UInt8] {
    rates.flatMap { rate in (0..<4).map { UInt8(truncatingIfNeeded: rate >> (8 * $0)) } }
}

/// A T=1 block with LRC.
func t1Block(pcb: UInt8, _ inf: [UInt8] = [], nad: UInt8 = 0) -> [UInt8] {
    var block = [nad, pcb, UInt8(inf.count)] + inf
    block.append(block.reduce(0, ^))
    return block
}

/// A class descriptor with the fields these tests vary.
func descriptor(features: UInt32, voltage: UInt8 = 0x07, protocols: UInt32 = 0x03, maxMessage: UInt32 = 271,
                maxIFSD: UInt32 = 254, slots: UInt8 = 1, clockKHz: UInt32 = 4000,
                maxDataRate: UInt32 = 344_086) -> CCIDClassDescriptor {
    CCIDClassDescriptor(bcdCCID: 0x0110, bMaxSlotIndex: slots - 1, bVoltageSupport: voltage, dwProtocols: protocols,
                        dwDefaultClock: clockKHz, dwMaximumClock: clockKHz, bNumClockSupported: 0, dwDataRate: 10752,
                        dwMaxDataRate: maxDataRate, bNumDataRatesSupported: 0, dwMaxIFSD: maxIFSD, dwSynchProtocols: 0,
                        dwMechanical: 0, dwFeatures: features, dwMaxCCIDMessageLength: maxMessage,
                        bClassGetResponse: 0xFF, bClassEnvelope: 0xFF, wLcdLayout: 0, bPINSupport: 0x03,
                        bMaxCCIDBusySlots: 1)
}

/// Short waits so that a failing test ends fast; the script answers at once anyway.
func fastOptions() -> CCIDReaderOptions {
    var options = CCIDReaderOptions()
    options.minimumReadTimeout = .milliseconds(200)
    options.readMargin = .milliseconds(10)
    options.busyBackoff = .milliseconds(1)
    options.abortTimeout = .milliseconds(200)
    return options
}

func makeReader(_ link: ScriptedLink, features: UInt32 = 0x0004_0000, voltage: UInt8 = 0x07,
                maxMessage: UInt32 = 271, slots: UInt8 = 1, quirks: ReaderQuirks = .none) throws -> CCIDReader {
    try CCIDReader(link: link, descriptor: descriptor(features: features, voltage: voltage, maxMessage: maxMessage,
                                                      slots: slots),
                   quirks: quirks, options: fastOptions())
}
