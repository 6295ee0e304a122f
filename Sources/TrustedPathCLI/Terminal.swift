#if canImport(Glibc)
import Glibc
#endif
import PINPad
import TrustedPathWorkflows

/// The operator's terminal as a workflow's interface: each message a line on standard output,
/// tagged with where it comes from; prompts a reader cannot show (PC/SC) answered with Enter
/// (OK) or "c" (Cancel), end of input cancelling.
struct Terminal: OperatorInterface {
    /// With `--json`, standard output holds JSON only: what the operator is told goes to
    /// standard error.
    var jsonOutput = false

    func show(_ message: OperatorMessage) {
        let line: String
        switch message.kind {
        case .info, .simulatedOperator, .simulation: line = message.text
        case .warning: line = "warning: " + message.text
        case .pad: line = "[pad] " + message.text
        case .hostPrompt: line = "[terminal] " + message.text
        case .simulatedDisplay: line = "[display] " + message.text
        }
        jsonOutput ? complain(line) : say(line)
    }

    func ask(_ prompt: PadPrompt) async -> PadConfirmation {
        show(OperatorMessage(.hostPrompt, "  [Enter] OK, [c Enter] Cancel"))
        guard let line = readLine() else { return .cancel }
        return line.drop { $0 == " " }.lowercased().hasPrefix("c") ? .cancel : .ok
    }
}

/// One line on standard output.
func say(_ line: String) { print(line) }

/// The CLI's `print`: each call one write(2) to standard output, unbuffered. Swift's own goes
/// through stdio, which buffers whole blocks when the output is a file, so a run redirected
/// to a log showed its errors (unbuffered, on standard error) before the lines that led to
/// them. Bulk output (decoding) has its own buffer (`OutputBuffer`).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    var text = items.map { "\($0)" }.joined(separator: separator) + terminator
    text.withUTF8 { writeStandardOutput(UnsafeRawBufferPointer($0)) }
}

/// One line on standard error, unbuffered.
func complain(_ line: String) {
    let text = line + "\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
}
