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

    /// 62-trustedpath-recovery.rules: group write on two attributes of our tagged devices.
    @Test func recoveryRuleGrantsTheGroupTwoAttributesOfTaggedDevicesOnly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("udev/62-trustedpath-recovery.rules"), encoding: .utf8)
        let active = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        #expect(active.contains(#"TAG!="trustedpath", GOTO="trustedpath_recovery_end""#))
        let run = try #require(active.first { $0.hasPrefix("RUN+=") })
        #expect(run.contains("chgrp -f trustedpath /sys%p/authorized /sys%p/port/disable"))
        #expect(run.contains("chmod -f g+w /sys%p/authorized /sys%p/port/disable"))
        #expect(!run.contains("o+w") && !run.contains("666") && !run.contains("a+w"))
        #expect(active.last == #"LABEL="trustedpath_recovery_end""#)
    }

    @Test func everyGotoHasItsLabel() {
        let gotos = Set(Self.active.flatMap { line in
            line.components(separatedBy: "GOTO=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        })
        for label in gotos { #expect(Self.active.contains("LABEL=\"\(label)\"")) }
    }
}
