/// Command-line options of `trustedpathd`. Parsed by hand: the daemon has few options and
/// its target doesn't link ArgumentParser.
struct DaemonOptions {
    var json = false
    /// nil: no event socket.
    var socketPath: String? = "/run/trustedpath/events.sock"
    var debounce: Duration = .zero
    var logLevel = "info"
    var cardEvents = false
    var pedChecks = false
    var readerChecks = false
    /// nil: keep every page start-up touched resident.
    var releasePagesAfter: Duration? = .seconds(5)

    static let usage = """
        usage: trustedpathd [--json] [--socket PATH | --no-socket] [--debounce MS] [--card-events]
                            [--reader-checks] [--ped-checks]
                            [--release-pages-after S] [--log-level LEVEL] [--version]

          --json           print one JSON event a line on standard output
          --socket PATH    the Unix socket clients subscribe on (default /run/trustedpath/events.sock)
          --no-socket      no event socket
          --debounce MS    report a device's change once it has been quiet MS milliseconds (default 0)
          --card-events    open each reader and report card-inserted/removed (holds the reader:
                           pcscd and the trustedpath tools can't use it meanwhile)
          --reader-checks  send each reader that appears a GetSlotStatus; recover one that is
                           silent as --ped-checks does, and report reader-unresponsive and
                           reader-recovered (claims the reader for a moment; with
                           --card-events, card watching starts once the reader answered)
          --ped-checks     send each PED that appears a keep-alive; recover one that is silent
                           (USB reset, re-authorize, port power) and report ped-unresponsive and
                           ped-recovered (claims the PED for a moment)
          --release-pages-after S
                           once idle S seconds after start-up or a burst of events, give back
                           the pages of the daemon's binary they touched (default 5; 0: never)
          --log-level L    trace, debug, info, notice, warning, error, critical (default info)
          --version        print the version and exit

        Logs go to standard error (the journal under systemd).
        """

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// What the command line asks for: running the daemon, or only a text printed.
    enum Request {
        case run(DaemonOptions)
        case help
        case version
    }

    /// Parses `arguments` (without the program name).
    static func parse(_ arguments: [String]) throws(Invalid) -> Request {
        var options = DaemonOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws(Invalid) -> String {
            guard let next = rest.popFirst() else { throw Invalid(description: "\(flag) needs a value") }
            return next
        }
        while let argument = rest.popFirst() {
            switch argument {
            case "--json": options.json = true
            case "--socket": options.socketPath = try value(argument)
            case "--no-socket": options.socketPath = nil
            case "--card-events": options.cardEvents = true
            case "--ped-checks": options.pedChecks = true
            case "--reader-checks": options.readerChecks = true
            case "--debounce":
                let text = try value(argument)
                guard let ms = Int(text), ms >= 0, ms <= 60_000 else {
                    throw Invalid(description: "--debounce wants milliseconds 0...60000, not \(text)")
                }
                options.debounce = .milliseconds(ms)
            case "--release-pages-after":
                let text = try value(argument)
                guard let seconds = Int(text), seconds >= 0, seconds <= 3600 else {
                    throw Invalid(description: "--release-pages-after wants seconds 0...3600, not \(text)")
                }
                options.releasePagesAfter = seconds == 0 ? nil : .seconds(seconds)
            case "--log-level":
                options.logLevel = try value(argument)
                let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
                guard levels.contains(options.logLevel) else {
                    throw Invalid(description: "--log-level is one of \(levels.joined(separator: ", "))")
                }
            case "--help", "-h": return .help
            case "--version": return .version
            default: throw Invalid(description: "unknown option \(argument)")
            }
        }
        return .run(options)
    }
}
