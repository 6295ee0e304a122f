import Foundation
import TrustedPathWorkflows

/// A 2-of-3 backup-key ceremony and a restore from cards 3 and 1, on the simulated PIN pad and
/// cards, driven from the configuration page: what an appliance's firmware runs at
/// installation. Exits non-zero if anything differs from what the workflows promise.
@main
struct FirmwareCeremony {
    static func main() async {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("firmware-ceremony-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let page = ConfigurationPage()
        var setup = CeremonySetup(reader: .simulated, state: ApplianceState(directory: folder))
        do {
            let made = try await CeremonyWorkflow.create(k: 2, n: 3, replaceKey: false, encrypt: nil, setup: setup, ui: page)
            print("<h2>Set \(made.result.set): \(made.result.cards.count) cards written, key check value \(made.keyCheckValue)</h2>")

            // One backup key per appliance: a second run is refused before its first prompt.
            do {
                _ = try await CeremonyWorkflow.create(k: 2, n: 3, replaceKey: false, encrypt: nil, setup: setup, ui: page)
                fail("a second ceremony was not refused")
            } catch where error.code == .refused {
                print("<p class=\"refused\">\(ConfigurationPage.escaped(error.message))</p>")
            }

            setup.simulation.cards = [3, 1]
            let restored = try await CeremonyWorkflow.restore(decrypt: nil, setup: setup, ui: page)
            guard restored.result.key.constantTimeEquals(made.result.key), restored.result.adoption == .inUse else {
                fail("the restored key differs from the one made")
            }
            guard page.count("pad") > 0, page.count("simulation") > 0 else { fail("the page showed no pad prompt") }
            print("<h2>example: the key restored from cards 3 and 1 is the key made (set \(restored.result.set))</h2>")
        } catch {
            fail(error.message)
        }
    }

    static func fail(_ why: String) -> Never {
        print("<p class=\"error\">\(ConfigurationPage.escaped(why))</p>")
        exit(1)
    }
}
