import Foundation
import Testing

/// udev/60-trustedpath.rules: the promises its comments make, checked as text (udev itself
/// can't be run here; `udevadm verify` needs systemd 254).
@Suite("udev rules") struct UdevRulesTests {
    static let rules: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("udev/60-trustedpath.rules"), encoding: .utf8)) ?? ""
    }()
    static let active = rules.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }

    @Test func readersGetTheGroupAndMode0660() {
        #expect(Self.active.contains(
            #"GROUP="trustedpath", MODE="0660", TAG+="trustedpath", ENV{TRUSTEDPATH_DEVICE}="reader""#))
        #expect(!Self.active.contains { $0.contains("0666") })
    }

    @Test func matchesCCIDClassAndTheCyberJackFamily() {
        #expect(Self.active.contains { $0.contains(#"ENV{ID_USB_INTERFACES}=="*:0b????:*""#) })
        for product in ["0400", "0300"] {
            #expect(Self.active.contains { $0.contains(#"ATTR{idVendor}=="0c4b", ATTR{idProduct}=="\#(product)""#) })
        }
    }

    @Test func everyGotoHasItsLabel() {
        let gotos = Set(Self.active.flatMap { line in
            line.components(separatedBy: "GOTO=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        })
        for label in gotos { #expect(Self.active.contains("LABEL=\"\(label)\"")) }
    }
}
