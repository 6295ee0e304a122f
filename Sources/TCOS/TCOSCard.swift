import TrustedPathCore

/// The appliance's view of a TCOS card: the two TrustedPath slots, their PINs and data.
///
/// Rules it keeps: a card's PIN retry counter is never spent silently (every PIN command first
/// asks the counter and refuses the last try unless the caller allows it), and nothing is
/// written to a card that does not carry the TrustedPath layout.
public struct TCOSCard: Sendable {
    public let commands: TCOSCommands
    /// READ/UPDATE BINARY chunk size; 255 keeps every APDU short.
    public var chunkSize: Int

    public init(commands: TCOSCommands, chunkSize: Int = 255) {
        self.commands = commands
        self.chunkSize = chunkSize
    }

    // MARK: - Status

    public func status() async throws(TCOSError) -> TCOSCardStatus {
        try await commands.selectMF(returnFCP: false)
        let dfs = try await commands.listFiles(.directories)
        var slots: [TCOSSlotStatus] = []
        var notices: [TCOSCardNotice] = []
        var foreignReason: String?
        for slot in TCOSSlot.all {
            guard dfs.contains(slot.dfID) else {
                slots.append(TCOSSlotStatus(slot: slot, present: false, pin: nil, defaultPINSet: false,
                                            content: .empty, contentLength: 0))
                continue
            }
            do throws(TCOSError) {
                let header = try await openSlot(slot)
                let pin = try await commands.pinStatus(reference: slot.pinReference)
                slots.append(TCOSSlotStatus(slot: slot, present: true, pin: pin, defaultPINSet: header.transportPINSet,
                                            content: header.content, contentLength: header.length))
            } catch let error where error.code == .notOurCard {
                foreignReason = error.context.isEmpty ? error.field ?? "unknown layout" : error.context
                slots.append(TCOSSlotStatus(slot: slot, present: false, pin: nil, defaultPINSet: false,
                                            content: .empty, contentLength: 0))
            }
        }
        let layout: TCOSCardStatus.Layout
        if let foreignReason {
            layout = .foreign(reason: foreignReason)
        } else if slots.allSatisfy(\.present) {
            layout = .trustedPath
        } else if slots.contains(where: \.present) {
            layout = .foreign(reason: "only some TrustedPath slots are present")
        } else if dfs.isEmpty {
            layout = .blank
        } else {
            layout = .foreign(reason: "other applications on the card: DF " + dfs.map(fid).joined(separator: ", "))
        }
        switch layout {
        case .blank: notices.append(.blankCard)
        case .foreign(let reason): notices.append(.notOurCard(reason: reason))
        case .trustedPath:
            for slot in slots {
                switch slot.pin {
                case .blocked: notices.append(.pinBlocked(slot.slot.kind))
                case .notVerified(let n) where n < 3: notices.append(.triesLeft(slot.slot.kind, n))
                default: break
                }
                if slot.defaultPINSet { notices.append(.defaultPINSet(slot.slot.kind)) }
                if slot.pin != .blocked && !slot.defaultPINSet { notices.append(.ready(slot.slot.kind)) }
            }
        }
        return TCOSCardStatus(layout: layout, slots: slots, notices: notices)
    }

    /// Selects the slot DF and reads its header; `.notOurCard` if the DF is someone else's.
    @discardableResult
    func openSlot(_ slot: TCOSSlot) async throws(TCOSError) -> TCOSSlotHeader {
        let fcp: FileControlParameters?
        do throws(TCOSError) {
            fcp = try await commands.select(path: slot.path)
        } catch let error where error.code == .fileNotFound {
            throw TCOSError(.notOurCard, field: slot.name, "DF \(fid(slot.dfID)) not found")
        }
        guard let fcp, fcp.isDirectory, fcp.dfName == slot.dfName else {
            throw TCOSError(.notOurCard, field: slot.name, "DF \(fid(slot.dfID)) belongs to another application")
        }
        do throws(TCOSError) {
            try await commands.select(fileID: slot.headerEF, returnFCP: false)
            let header = try TCOSSlotHeader(parsing: try await commands.readBinary(length: TCOSSlotHeader.size))
            guard header.slotKind == slot.kind else {
                throw TCOSError(.notOurCard, field: slot.name, "header names another slot kind")
            }
            return header
        } catch let error where error.code == .fileNotFound || error.code == .securityStatusNotSatisfied {
            throw TCOSError(.notOurCard, field: slot.name, "no readable slot header")
        }
    }

    /// Refuses blank and foreign cards before anything is written.
    func requireOurCard() async throws(TCOSError) {
        switch try await status().layout {
        case .trustedPath: return
        case .blank: throw TCOSError(.blankCard)
        case .foreign(let reason): throw TCOSError(.notOurCard, reason)
        }
    }

    // MARK: - PIN

    /// Verifies the slot's PIN. Asks the retry counter first: a blocked PIN is reported
    /// without sending the PIN, and the last try is spent only with `allowLastTry`.
    public func verify(_ slot: TCOSSlot, pin: SecretBytes, allowLastTry: Bool = false) async throws(TCOSError) {
        try await openSlot(slot)
        try await guardTries(slot, allowLastTry: allowLastTry)
        try Self.require(try await commands.verify(reference: slot.pinReference, pin: pin), slot)
    }

    /// Changes the slot's PIN and records in the header that the transport PIN is gone.
    public func changePIN(_ slot: TCOSSlot, old: SecretBytes, new: SecretBytes,
                          allowLastTry: Bool = false) async throws(TCOSError) {
        try await checkPINFormat(new)
        let header = try await openSlot(slot)
        try await guardTries(slot, allowLastTry: allowLastTry)
        try Self.require(try await commands.changeReferenceData(reference: slot.pinReference, oldPIN: old, newPIN: new),
                         slot)
        if try await recordPINChanged(slot, header: header) == .needsVerifiedPIN {
            // A card that does not leave the PIN verified after CHANGE REFERENCE DATA:
            // verify with the new PIN (a full counter, just reset) and write again.
            try Self.require(try await commands.verify(reference: slot.pinReference, pin: new), slot)
            try await finishPINChangeRecord(header: header)
        }
    }

    /// Unblocks the slot's PIN with the PUK and sets a new PIN.
    public func resetPIN(_ slot: TCOSSlot, puk: SecretBytes, new: SecretBytes) async throws(TCOSError) {
        try await checkPINFormat(new)
        try await openSlot(slot)
        let result = try await commands.resetRetryCounter(reference: slot.pinReference, puk: puk, newPIN: new)
        switch result {
        case .verified: return
        case .notVerified(let n): throw TCOSError(.wrongPIN, triesLeft: n, "wrong PUK for the \(slot.name)")
        case .blocked: throw TCOSError(.pinBlocked, triesLeft: 0, "the PUK of the \(slot.name) is blocked too")
        }
    }

    private func checkPINFormat(_ pin: SecretBytes) async throws(TCOSError) {
        let ok = pin.withBytes { (6...8).contains($0.count) && $0.allSatisfy { (0x30...0x39).contains($0) } }
        guard ok else { throw TCOSError(.invalidArgument, field: "new PIN", "6 to 8 digits") }
    }

    func guardTries(_ slot: TCOSSlot, allowLastTry: Bool) async throws(TCOSError) {
        switch try await commands.pinStatus(reference: slot.pinReference) {
        case .blocked:
            throw TCOSError(.pinBlocked, triesLeft: 0, "the \(slot.name) PIN")
        case .notVerified(let n) where n <= 1 && !allowLastTry:
            throw TCOSError(.lastTryRefused, triesLeft: n, "the \(slot.name) PIN")
        default:
            return
        }
    }

    static func require(_ result: PINStatus, _ slot: TCOSSlot) throws(TCOSError) {
        switch result {
        case .verified: return
        case .notVerified(let n): throw TCOSError(.wrongPIN, triesLeft: n, "the \(slot.name) PIN")
        case .blocked: throw TCOSError(.pinBlocked, triesLeft: 0, "the \(slot.name) PIN")
        }
    }

    // MARK: - Data

    /// The slot's payload; the slot's PIN must have been verified (`verify`) first.
    public func readSlot(_ slot: TCOSSlot) async throws(TCOSError) -> (content: TCOSSlotHeader.Content, data: SecretBytes) {
        let header = try await openSlot(slot)
        guard header.content != .empty, header.length > 0 else { throw TCOSError(.slotEmpty, slot.name) }
        try await commands.select(fileID: slot.payloadEF, returnFCP: false)
        let data = try await commands.readBinary(secretLength: header.length, chunkSize: chunkSize)
        guard data.count == header.length else {
            throw TCOSError(.malformedResponse, field: "slot payload", "shorter than its header says")
        }
        return (header.content, data)
    }

    /// Writes the payload then the header; refuses blank and foreign cards before writing.
    /// The slot's PIN must have been verified first.
    public func writeSlot(_ slot: TCOSSlot, content: TCOSSlotHeader.Content, data: SecretBytes) async throws(TCOSError) {
        guard data.count <= slot.payloadCapacity else {
            throw TCOSError(.invalidArgument, field: "slot data", "\(data.count) byte(s), the \(slot.name) holds \(slot.payloadCapacity)")
        }
        try await requireOurCard()
        var header = try await openSlot(slot)
        try await commands.select(fileID: slot.payloadEF, returnFCP: false)
        try await commands.updateBinary(secret: data, chunkSize: chunkSize)
        header.content = data.count == 0 ? .empty : content
        header.length = data.count
        try await commands.select(fileID: slot.headerEF, returnFCP: false)
        try await commands.updateBinary(data: header.encoded())
    }
}
