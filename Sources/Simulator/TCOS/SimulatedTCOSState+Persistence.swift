import TrustedPathCore

/// Why an exported card state could not be read back.
public struct SimulatedTCOSStateError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var context: String
    public var description: String {
        "simulated TCOS card state, line \(line): \(context); delete the state file to start from a fresh card"
    }
}

/// The export format, UTF-8 text, one item a line, hex everywhere, paths as FIDs joined by "/":
///
///     TRUSTEDPATH-TCOS-SIM 1
///     ATR <hex>
///     DF <path> <name hex | ->
///     EF <path> T <read> <write> <data hex | ->
///     EF <path> R <read> <write> <record hex>,<record hex>... | -
///     PIN <df path> <number> <tries left> <max tries> <value hex> <puk hex | -> <puk tries left> <puk max>
///
/// Access is A (always), N (never) or P<n> (PIN n). Lines come parents first, so a DF's
/// children are re-added in their listing order. The session (current file, verified PINs)
/// is not saved: loading is a power-up. PIN values are in the file; it is a simulator.
extension SimulatedTCOSState {
    static let header = "TRUSTEDPATH-TCOS-SIM 1"

    func exported() -> [UInt8] {
        var lines = [Self.header, "ATR " + Hex.encode(atr)]
        func walk(_ path: Path) {
            guard let file = files[path] else { return }
            let name = path.map { Hex.encode(fidBytes($0)) }.joined(separator: "/")
            switch file.body {
            case .directory(let dfName, let children):
                lines.append("DF \(name) " + (dfName.map { Hex.encode($0) } ?? "-"))
                for child in children { walk(path + [child]) }
            case .transparent(let bytes):
                lines.append("EF \(name) T \(code(file.read)) \(code(file.write)) " + (bytes.isEmpty ? "-" : Hex.encode(bytes)))
            case .records(let records):
                lines.append("EF \(name) R \(code(file.read)) \(code(file.write)) "
                             + (records.isEmpty ? "-" : records.map { Hex.encode($0) }.joined(separator: ",")))
            }
        }
        walk(Self.mf)
        for (key, pin) in pins.sorted(by: { ($0.key.df.count, $0.key.df.last ?? 0, $0.key.number) < ($1.key.df.count, $1.key.df.last ?? 0, $1.key.number) }) {
            let df = key.df.map { Hex.encode(fidBytes($0)) }.joined(separator: "/")
            lines.append("PIN \(df) \(key.number) \(pin.triesLeft) \(pin.maxTries) \(Hex.encode(pin.value)) "
                         + (pin.puk.map { Hex.encode($0) } ?? "-") + " \(pin.pukTriesLeft) \(pin.pukMaxTries)")
        }
        return Array((lines.joined(separator: "\n") + "\n").utf8)
    }

    private func code(_ access: SimulatedTCOSFile.Access) -> String {
        switch access {
        case .always: return "A"
        case .never: return "N"
        case .pin(let n): return "P\(n)"
        }
    }

    init(importing bytes: [UInt8]) throws(SimulatedTCOSStateError) {
        self.init()
        files = [:]
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.first.map(String.init) == Self.header else {
            throw SimulatedTCOSStateError(line: 1, context: "not a TrustedPath TCOS card state")
        }
        for (index, raw) in lines.enumerated().dropFirst() where !raw.isEmpty {
            let number = index + 1
            func fail(_ text: String) -> SimulatedTCOSStateError { SimulatedTCOSStateError(line: number, context: text) }
            let fields = raw.split(separator: " ").map(String.init)
            func hex(_ text: String) throws(SimulatedTCOSStateError) -> [UInt8] {
                if text == "-" { return [] }
                guard let bytes = Hex.decode(text) else { throw fail("bad hex") }
                return bytes
            }
            func path(_ text: String) throws(SimulatedTCOSStateError) -> Path {
                var out: Path = []
                for part in text.split(separator: "/") {
                    guard let id = UInt16(part, radix: 16) else { throw fail("bad path \(text)") }
                    out.append(id)
                }
                guard out.first == 0x3F00 else { throw fail("path \(text) does not start at 3F00") }
                return out
            }
            func access(_ text: String) throws(SimulatedTCOSStateError) -> SimulatedTCOSFile.Access {
                if text == "A" { return .always }
                if text == "N" { return .never }
                guard text.hasPrefix("P"), let n = UInt8(text.dropFirst()) else { throw fail("bad access \(text)") }
                return .pin(n)
            }
            switch fields.first {
            case "ATR"?:
                guard fields.count == 2 else { throw fail("ATR wants one field") }
                atr = try hex(fields[1])
            case "DF"?:
                guard fields.count == 3 else { throw fail("DF wants path and name") }
                let p = try path(fields[1])
                let name = fields[2] == "-" ? nil : try hex(fields[2])
                if p == Self.mf {
                    files[p] = SimulatedTCOSFile(body: .directory(name: name, children: []))
                } else {
                    guard files[Path(p.dropLast())]?.isDirectory == true else { throw fail("parent of \(fields[1]) missing") }
                    add(p, SimulatedTCOSFile(body: .directory(name: name, children: [])))
                }
            case "EF"?:
                guard fields.count == 6 else { throw fail("EF wants path, type, read, write, data") }
                let p = try path(fields[1])
                guard p.count > 1, files[Path(p.dropLast())]?.isDirectory == true else { throw fail("parent of \(fields[1]) missing") }
                let body: SimulatedTCOSFile.Body
                switch fields[2] {
                case "T": body = .transparent(try hex(fields[5]))
                case "R":
                    var records: [[UInt8]] = []
                    if fields[5] != "-" {
                        for part in fields[5].split(separator: ",") { records.append(try hex(String(part))) }
                    }
                    body = .records(records)
                default: throw fail("EF type \(fields[2])")
                }
                add(p, SimulatedTCOSFile(body: body, read: try access(fields[3]), write: try access(fields[4])))
            case "PIN"?:
                guard fields.count == 9, let n = UInt8(fields[2]), let tries = Int(fields[3]), let max = Int(fields[4]),
                      let pukTries = Int(fields[7]), let pukMax = Int(fields[8]),
                      // A counter must fit the x of 63Cx.
                      (1...15).contains(max), (1...15).contains(pukMax),
                      (0...max).contains(tries), (0...pukMax).contains(pukTries) else { throw fail("PIN fields") }
                let df = try path(fields[1])
                guard files[df]?.isDirectory == true else { throw fail("PIN in missing DF \(fields[1])") }
                var pin = SimulatedTCOSPIN(try hex(fields[5]), maxTries: max, puk: fields[6] == "-" ? nil : try hex(fields[6]))
                pin.triesLeft = tries
                pin.pukTriesLeft = pukTries
                pin.pukMaxTries = pukMax
                addPIN(df, number: n, pin)
            default:
                throw fail("unknown item \(fields.first ?? "")")
            }
        }
        guard files[Self.mf] != nil else { throw SimulatedTCOSStateError(line: 1, context: "no MF") }
    }
}
