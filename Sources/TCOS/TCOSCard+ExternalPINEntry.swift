import APDU
import TrustedPathCore

/// PIN commands whose PIN is entered outside the host (a PIN pad builds and sends the APDU
/// from a `SecurePINTemplate`). The card layer's rules still apply, through the same code
/// `verify` and `changePIN` use: the slot is checked to be ours, the retry counter is asked
/// first, the last try is refused unless allowed, and a PIN change clears the header's
/// transport-PIN flag.
extension TCOSCard {
    /// What writing the header after a PIN change found.
    public enum HeaderUpdate: Sendable, Hashable {
        /// Written (or nothing to write: the transport PIN was already gone).
        case written
        /// The card wants the new PIN verified before the header may be written (6982). The
        /// header EF is still selected: verify the new PIN, then `finishPINChangeRecord`.
        case needsVerifiedPIN
    }

    /// Before a PIN is entered on a pad: selects the slot, reads its header and asks the
    /// retry counter (no PIN sent). Throws `.pinBlocked`, or `.lastTryRefused` at one try
    /// left without `allowLastTry`. Returns the header, for `recordPINChanged`.
    public func preparePINEntry(_ slot: TCOSSlot, allowLastTry: Bool) async throws(TCOSError) -> TCOSSlotHeader {
        let header = try await openSlot(slot)
        try await guardTries(slot, allowLastTry: allowLastTry)
        return header
    }

    /// Reads the card's answer to a VERIFY or CHANGE REFERENCE DATA that a PIN pad sent:
    /// returns on 9000, throws `.wrongPIN` with the tries left on 63Cx, `.pinBlocked` on 6983.
    public static func checkPINAnswer(_ response: ResponseAPDU, slot: TCOSSlot, command: String) throws(TCOSError) {
        try require(try TCOSCommands.pinStatus(response, command), slot)
    }

    /// After the card accepted a new PIN: clears the header's transport-PIN flag, as
    /// `changePIN` does. `header` is what `preparePINEntry` returned.
    public func recordPINChanged(_ slot: TCOSSlot, header: TCOSSlotHeader) async throws(TCOSError) -> HeaderUpdate {
        guard header.transportPINSet else { return .written }
        var changed = header
        changed.transportPINSet = false
        try await commands.select(fileID: slot.headerEF, returnFCP: false)
        do throws(TCOSError) {
            try await commands.updateBinary(data: changed.encoded())
            return .written
        } catch let error where error.code == .securityStatusNotSatisfied {
            return .needsVerifiedPIN
        }
    }

    /// The second half of `recordPINChanged` after `.needsVerifiedPIN` and a verify.
    public func finishPINChangeRecord(header: TCOSSlotHeader) async throws(TCOSError) {
        var changed = header
        changed.transportPINSet = false
        try await commands.updateBinary(data: changed.encoded())
    }
}
