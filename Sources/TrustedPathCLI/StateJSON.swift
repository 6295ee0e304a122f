import CCID
import Ceremony
import Foundation
import TCOS

/// The journal as JSON lines: one object per set, then one for the appliance's key.
enum JournalJSON {
    static func set(_ set: CeremonyJournal.ShareSet, inUse: Bool) -> String {
        var fields: [(String, JSONValue)] = [
            ("set", .string(set.set)), ("k", .int(set.k)), ("n", .int(set.n)), ("state", .string(set.state.rawValue)),
            ("inUse", .bool(inUse)), ("created", .string(date(set.created))),
            ("adopted", set.adopted.map { .string(date($0)) } ?? .null),
            ("origin", set.origin.map { .string($0.rawValue) } ?? .null),
        ]
        fields.append(("shares", .array(set.shares.map { share in
            .object([("x", .int(share.x)), ("card", .string(share.card)), ("verified", .bool(share.verified))])
        })))
        return JSONValue.object(fields).rendered
    }

    static func summary(_ journal: CeremonyJournal, path: String) -> String {
        JSONValue.object([
            ("journal", .string(path)),
            ("inUse", journal.adopted.map { .string($0.set) } ?? .null),
            ("history", .array(journal.history.map { .object([("date", .string(date($0.date))), ("what", .string($0.what))]) })),
        ]).rendered
    }

    static func date(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}

/// `card status --json`: the card's layout, then one object per slot.
enum CardStatusJSON {
    static func lines(_ status: TCOSCardStatus) -> [String] {
        let layout: String
        var reason: JSONValue = .null
        switch status.layout {
        case .trustedPath: layout = "trustedPath"
        case .blank: layout = "blank"
        case .foreign(let why):
            layout = "foreign"
            reason = .string(why)
        }
        var lines = [JSONValue.object([("card", .string(layout)), ("reason", reason)]).rendered]
        for slot in status.slots {
            let pin: JSONValue
            var tries: JSONValue = .null
            switch slot.pin {
            case .verified?: pin = .string("verified")
            case .notVerified(let left)?:
                pin = .string("notVerified")
                tries = .int(left)
            case .blocked?:
                pin = .string("blocked")
                tries = .int(0)
            case nil: pin = .null
            }
            lines.append(JSONValue.object([
                ("slot", .string(CardSlotName(slot.slot).rawValue)), ("present", .bool(slot.present)), ("pin", pin),
                ("triesLeft", tries), ("defaultPIN", .bool(slot.defaultPINSet)),
                ("content", .string(slot.content == .empty ? "empty" : slot.content == .shamirShareRecord ? "shareRecord" : "activationCredential")),
                ("length", .int(slot.contentLength)),
            ]).rendered)
        }
        return lines
    }
}
