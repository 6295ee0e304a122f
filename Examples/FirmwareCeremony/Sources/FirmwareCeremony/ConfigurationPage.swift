import PINPad
import Synchronization
import TrustedPathWorkflows

/// The appliance's web configuration page as the ceremony's operator interface: every message
/// becomes an entry of the page (here printed as the HTML the page would show), and a prompt a
/// reader cannot show itself becomes a pair of buttons, which this example presses itself.
final class ConfigurationPage: OperatorInterface {
    private let entries = Mutex<[String]>([])

    func show(_ message: OperatorMessage) {
        let css: String
        switch message.kind {
        case .pad, .hostPrompt: css = "pad"
        case .warning: css = "warning"
        case .simulatedOperator, .simulatedDisplay, .simulation: css = "simulation"
        case .info: css = "info"
        }
        let entry = "<li class=\"\(css)\">\(Self.escaped(message.text))</li>"
        entries.withLock { $0.append(entry) }
        print(entry)
    }

    func ask(_ prompt: PadPrompt) async -> PadConfirmation {
        print("<form><p>\(Self.escaped(prompt.description))</p><button>OK</button><button>Cancel</button></form>")
        return .ok
    }

    /// How many entries of a kind the page showed.
    func count(_ css: String) -> Int { entries.withLock { $0.filter { $0.hasPrefix("<li class=\"\(css)\"") }.count } }

    static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
