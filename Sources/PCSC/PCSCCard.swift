import APDU
import CPCSCLite
import TrustedPathCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connection to the card in one reader (SCardConnect). An actor whose methods all run on a
/// Dispatch queue of its own: SCardTransmit and SCardControl block (a PIN-pad entry for up to
/// minutes), and the cooperative pool must not wait with them.
public actor PCSCCard: CardChannel {
    private let executor: DispatchQueueExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public nonisolated let reader: String
    /// Keeps the context alive as long as the card handle, which pcsc-lite ties to it.
    public nonisolated let context: PCSCContext
    private let handle: SCARDHANDLE
    public private(set) var activeProtocol: PCSCProtocol
    private var connected = true
    /// Reused for every answer: zeroing 64 KiB per APDU cost a visible share of a round trip.
    /// 64 KiB + SW: the largest extended-length answer.
    private var receiveBuffer = [UInt8](repeating: 0, count: 65_538)

    /// Connects to the card in `reader`; waits neither for the card nor for other applications.
    public init(context: PCSCContext, reader: String, share: ShareMode = .shared,
                preferred: PCSCProtocols = [.t0, .t1]) async throws(PCSCError) {
        let result = try await context.blocking.run { () throws(PCSCError) -> (SCARDHANDLE, DWORD) in
            var handle: SCARDHANDLE = 0
            var active: DWORD = 0
            try check(SCardConnect(context.handle, reader, share.rawValue, preferred.rawValue, &handle, &active),
                      "SCardConnect(\"\(reader)\", \(share))")
            return (handle, active)
        }
        executor = DispatchQueueExecutor(label: "PCSCCard \(reader)")
        self.reader = reader
        self.context = context
        handle = result.0
        activeProtocol = PCSCProtocol(rawValue: result.1) ?? .undefined
    }

    deinit {
        if connected { SCardDisconnect(handle, PCSCDisposition.leave.rawValue) }
    }

    /// Sends an APDU (or a TPDU on a raw connection) and returns the card's answer, with the
    /// protocol control information of the active protocol.
    public func transmit(_ bytes: [UInt8]) throws(PCSCError) -> [UInt8] {
        // pcsc-lite's SCARD_PCI_T0/T1 macros take the address of g_rgSCardT0Pci/T1Pci, which
        // Swift cannot; it reads only the two fields, so a copy of the library's value serves.
        var sendPCI: SCARD_IO_REQUEST
        switch activeProtocol {
        case .t0: sendPCI = g_rgSCardT0Pci
        case .t1: sendPCI = g_rgSCardT1Pci
        default: sendPCI = g_rgSCardRawPci
        }
        var length = DWORD(receiveBuffer.count)
        let handle = handle
        let rv = receiveBuffer.withUnsafeMutableBufferPointer { receive in
            SCardTransmit(handle, &sendPCI, bytes, DWORD(bytes.count), nil, receive.baseAddress, &length)
        }
        // An answer may be a share or a key read from the card: it leaves the buffer with the
        // caller and is not kept here for the next APDU to overwrite (only its bytes are wiped).
        let received = min(Int(length), receiveBuffer.count)
        defer { wipeReceiveBuffer(received) }
        try check(rv, "SCardTransmit(\"\(reader)\", \(bytes.count) byte(s))")
        return Array(receiveBuffer.prefix(received))
    }

    private func wipeReceiveBuffer(_ count: Int) {
        receiveBuffer.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress, count > 0 else { return }
            explicit_bzero(base, min(count, raw.count))
        }
    }

    /// Whether no answer is left in the receive buffer (for tests).
    var receiveBufferIsClear: Bool { receiveBuffer.allSatisfy { $0 == 0 } }

    /// The encoded command (a VERIFY's PIN) and the raw answer are wiped once used; the
    /// ResponseAPDU's data is the caller's to wipe.
    public func transmit(_ command: CommandAPDU) throws(CardChannelError) -> ResponseAPDU {
        var encoded = command.encoded()
        defer { SecretBytes.wipe(&encoded) }
        var answer: [UInt8]
        do { answer = try transmit(encoded) } catch { throw error.channelError }
        defer { SecretBytes.wipe(&answer) }
        guard answer.count >= 2 else {
            throw CardChannelError(.protocolError, "the reader \"\(reader)\" returned \(answer.count) byte(s), no status word")
        }
        return ResponseAPDU(data: Array(answer.dropLast(2)),
                            statusWord: StatusWord(sw1: answer[answer.count - 2], sw2: answer[answer.count - 1]))
    }

    /// SCardControl: a reader-specific request (PC/SC part 10 features, CCID escape).
    public func control(code: UInt32, data: [UInt8] = [], maxResponse: Int = 65_536) throws(PCSCError) -> [UInt8] {
        var response = [UInt8](repeating: 0, count: maxResponse)
        var returned: DWORD = 0
        let rv = data.withUnsafeBytes { send in
            response.withUnsafeMutableBytes { receive in
                SCardControl(handle, DWORD(code), send.baseAddress, DWORD(data.count),
                             receive.baseAddress, DWORD(receive.count), &returned)
            }
        }
        try check(rv, "SCardControl(\"\(reader)\", 0x\(String(code, radix: 16, uppercase: true)))")
        response.removeSubrange(Int(returned)...)
        return response
    }

    /// SCardStatus: the reader's name, the card's state, the active protocol and the ATR.
    public func status() throws(PCSCError) -> PCSCCardStatus {
        var nameLength: DWORD = 256
        var name = [CChar](repeating: 0, count: Int(nameLength))
        var state: DWORD = 0
        var proto: DWORD = 0
        var atr = [UInt8](repeating: 0, count: 36)
        var atrLength = DWORD(atr.count)
        try check(SCardStatus(handle, &name, &nameLength, &state, &proto, &atr, &atrLength),
                  "SCardStatus(\"\(reader)\")")
        let readerName = PCSCContext.parseMultiString(name.prefix(Int(nameLength)).map { UInt8(bitPattern: $0) }).first ?? reader
        return PCSCCardStatus(reader: readerName, state: PCSCCardStatus.State(rawValue: UInt32(state)),
                              activeProtocol: PCSCProtocol(rawValue: proto) ?? .undefined,
                              atr: Array(atr.prefix(Int(atrLength))))
    }

    /// SCardReconnect: after SCARD_W_RESET_CARD, or to change the sharing mode or reset the card.
    public func reconnect(share: ShareMode = .shared, preferred: PCSCProtocols = [.t0, .t1],
                          initialization: PCSCDisposition = .leave) throws(PCSCError) {
        var active: DWORD = 0
        try check(SCardReconnect(handle, share.rawValue, preferred.rawValue, initialization.rawValue, &active),
                  "SCardReconnect(\"\(reader)\", \(share), \(initialization))")
        activeProtocol = PCSCProtocol(rawValue: active) ?? .undefined
    }

    /// SCardDisconnect; the card is left, reset, unpowered or ejected as asked. Later calls fail
    /// with SCARD_E_INVALID_HANDLE.
    public func disconnect(disposition: PCSCDisposition = .leave) throws(PCSCError) {
        guard connected else { return }
        connected = false
        try check(SCardDisconnect(handle, disposition.rawValue), "SCardDisconnect(\"\(reader)\", \(disposition))")
    }
}
