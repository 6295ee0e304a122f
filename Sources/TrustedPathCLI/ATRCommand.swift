import ArgumentParser
import CCID
import TrustedPathCore

/// `trustedpath atr`: decodes Answers-to-Reset (ISO 7816-3).
struct ATRCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atr",
        abstract: "Decode smart-card ATRs (ISO 7816-3).",
        discussion: """
            Each HEX is one ATR; with none, standard input is read, one ATR a line (spaces \
            allowed). A wrong TCK is reported (tckValid false) but is not an error; a truncated \
            or malformed ATR prints an error in its place and makes the exit status 1.
            """)

    @Argument(help: "ATRs in hex.") var hex: [String] = []
    @Flag(help: "One JSON object per ATR per line.") var json = false

    func run() throws {
        var failed = false
        for (index, item) in CCIDCLIInput.items(arguments: hex).enumerated() {
            do throws(CCIDError) {
                let atr = try ATR(parsing: try CCIDCLIInput.bytes(item))
                if json {
                    print(atr.json.rendered)
                } else {
                    if index > 0 { print("") }
                    print(atr.listing)
                }
            } catch {
                failed = true
                CCIDCLIInput.report(error, item: index + 1, json: json)
            }
        }
        if failed { throw ExitCode.failure }
    }
}
