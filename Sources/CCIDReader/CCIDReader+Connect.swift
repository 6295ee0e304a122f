import APDU
import CCID

extension CCIDReader {
    /// Powers the card on and settles the protocol the way libccid does (IFDHSetProtocol-
    /// Parameters), then returns a `CardChannel` for the reader's exchange level:
    /// - protocol: TA2's in specific mode, else T=1 when card and reader offer it, else T=0;
    /// - rate: `chooseFiDi`, from TA1, dwMaxDataRate and the reader's GET_DATA_RATES list;
    /// - dwFeatures 0x40 (automatic parameter negotiation): no PPS, no SetParameters;
    /// - else without 0x80 (automatic PPS), on a TPDU reader, PPS via XfrBlock when the card
    ///   asks for other than the defaults; then SetParameters with the agreed values;
    /// - T=1 TPDU: S(IFS) with dwMaxIFSD unless the reader does it (dwFeatures 0x400).
    public func connect(slot: UInt8 = 0) async throws(CCIDReaderError) -> CCIDCardConnection {
        let level = descriptor.exchangeLevel
        switch level {
        case .tpdu, .shortAPDU, .extendedAPDU: break
        case .character, .unknown:
            throw CCIDReaderError(.unsupported, "exchange level \(level.name): only TPDU and APDU readers are driven")
        }
        let atr = try await powerOn(slot: slot)
        let protocolNumber = try chooseProtocol(atr)
        let features = descriptor.features
        var fiDi: UInt8
        if features.contains(.autoParameterNegotiation) {
            // The reader settles the rate itself; TA1's, when it can clock it, sets our timeouts.
            let ta1 = atr.specificMode?.implicitParameters == true ? 0x11 : atr.ta1OrDefault
            fiDi = readerCanClock(ta1) ? ta1 : 0x11
        } else {
            fiDi = try await chooseFiDi(atr)
        }
        var parameters: CCIDProtocolData? = nil
        if !features.contains(.autoParameterNegotiation) {
            if level == .tpdu, !features.contains(.autoPPS), !quirks.skipPPS, atr.specificMode == nil,
               fiDi != 0x11 || protocolNumber != atr.firstOfferedProtocol {
                fiDi = try await exchangePPS(slot: slot, protocolNumber: protocolNumber, fiDi: fiDi)
            }
            let chosen = Self.protocolData(protocolNumber: protocolNumber, fiDi: fiDi, atr: atr)
            try await setParameters(slot: slot, chosen)
            parameters = chosen
        }
        if level == .tpdu {
            setReadTimeout(CardTiming.readTimeout(protocolNumber: protocolNumber, fiDi: fiDi, atr: atr,
                                                  clockKHz: descriptor.dwDefaultClock, margin: options.readMargin),
                           slot: slot)
        }
        let channel = try await makeChannel(slot: slot, level: level, protocolNumber: protocolNumber, atr: atr)
        return CCIDCardConnection(slot: slot, atr: atr, protocolNumber: protocolNumber, parameters: parameters,
                                  exchangeLevel: level, channel: channel)
    }

    nonisolated func chooseProtocol(_ atr: ATR) throws(CCIDReaderError) -> Int {
        let readerT0 = descriptor.dwProtocols & 0x01 != 0
        let readerT1 = descriptor.dwProtocols & 0x02 != 0
        if let specific = atr.specificMode {
            guard specific.protocolType == 0 && readerT0 || specific.protocolType == 1 && readerT1 else {
                throw CCIDReaderError(.unsupported, "card is fixed to T=\(specific.protocolType), which the reader lacks")
            }
            return specific.protocolType
        }
        if atr.offersT1, readerT1 { return 1 }
        if atr.protocols.contains(0), readerT0 { return 0 }
        throw CCIDReaderError(.unsupported, "card offers T=\(atr.protocols), reader dwProtocols 0x\(String(descriptor.dwProtocols, radix: 16))")
    }

    /// Whether the reader reaches the baud rate TA1 asks for at its default clock (libccid
    /// compares with dwMaxDataRate and falls back to the default Fd/Dd when it does not).
    nonisolated func readerCanClock(_ fiDi: UInt8) -> Bool {
        guard fiDi != 0x11, descriptor.dwMaxDataRate != 0 else { return true }
        guard let rate = cardRate(fiDi) else { return false }
        return rate <= Int(descriptor.dwMaxDataRate)
    }

    /// abProtocolDataStructure from the ATR and the agreed Fi/Di.
    static func protocolData(protocolNumber: Int, fiDi: UInt8, atr: ATR) -> CCIDProtocolData {
        let inverse: UInt8 = atr.isInverseConvention ? 0x02 : 0
        let guardTime = UInt8(truncatingIfNeeded: atr.extraGuardTime)
        if protocolNumber == 1 {
            return .t1(.init(bmFindexDindex: fiDi, bmTCCKST1: 0x10 | inverse | (atr.usesCRC ? 0x01 : 0),
                             bGuardTimeT1: guardTime,
                             bmWaitingIntegersT1: UInt8(truncatingIfNeeded: atr.bwi << 4 | atr.cwi),
                             bClockStop: 0, bIFSC: UInt8(clamping: atr.ifsc), bNadValue: 0))
        }
        return .t0(.init(bmFindexDindex: fiDi, bmTCCKST0: inverse, bGuardTimeT0: guardTime,
                         bWaitingIntegerT0: UInt8(clamping: atr.waitingInteger), bClockStop: 0))
    }

    /// PPS through XfrBlock (TPDU readers without automatic PPS). Returns the agreed Fi/Di:
    /// PPS1 echoed, or the defaults when the card left it out.
    func exchangePPS(slot: UInt8, protocolNumber: Int, fiDi: UInt8) async throws(CCIDReaderError) -> UInt8 {
        let request = PPS(protocolType: UInt8(protocolNumber), pps1: fiDi == 0x11 ? nil : fiDi)
        let answer = try await xfrBlock(slot: slot, request.encode())
        do {
            return try request.validate(response: answer.data).pps1 ?? 0x11
        } catch {
            throw CCIDReaderError(.protocolError, "PPS refused by the card: \(error); reset the card")
        }
    }

    func makeChannel(slot: UInt8, level: CCIDExchangeLevel, protocolNumber: Int,
                     atr: ATR) async throws(CCIDReaderError) -> any CardChannel {
        switch level {
        case .tpdu where protocolNumber == 1:
            let t1 = T1Protocol(transport: XfrBlockTransport(reader: self, slot: slot),
                                edc: atr.usesCRC ? .crc : .lrc, ifsc: atr.ifsc)
            if !descriptor.features.contains(.autoIFSDExchange), maxIFSD > 0 {
                do { try await t1.negotiateIFSD(maxIFSD) } catch {
                    throw CCIDReaderError(.protocolError, "IFSD negotiation: \(error)")
                }
            }
            slotProtocols[Int(slot)] = .t1(t1)
            // T=1 carries extended APDUs; ISO7816Channel follows 61xx/6Cxx on top.
            return ISO7816Channel(ByteCardChannel { apdu throws(CardChannelError) in
                do { return try await t1.transceive(apdu) } catch { throw CCIDReaderError.channelError(error) }
            },
                                  options: .init(supportsExtendedLength: true))
        case .tpdu:
            // T=0 answers 61xx/6Cxx itself (GET RESPONSE on the TPDU level).
            let t0 = T0Protocol(transport: XfrBlockTransport(reader: self, slot: slot), extendedLength: .envelope)
            slotProtocols[Int(slot)] = .t0
            return ByteCardChannel { apdu throws(CardChannelError) in
                do { return try await t0.transceive(apdu) } catch { throw CCIDReaderError.channelError(error) }
            }
        case .extendedAPDU:
            slotProtocols[Int(slot)] = .apduLevel
            return ISO7816Channel(CCIDAPDUChannel(reader: self, slot: slot, extended: true),
                                  options: .init(supportsExtendedLength: true))
        default:
            slotProtocols[Int(slot)] = .apduLevel
            return ISO7816Channel(CCIDAPDUChannel(reader: self, slot: slot, extended: false))
        }
    }
}
