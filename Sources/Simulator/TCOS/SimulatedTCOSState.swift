import APDU
import TCOS

/// Everything the simulated card knows, as one value: the persistent part (ATR, files, PINs)
/// and the session part (current DF/EF, verified PINs) that a reset clears.
struct SimulatedTCOSState: Sendable {
    typealias Path = [UInt16]
    static let mf: Path = [0x3F00]

    var atr: [UInt8] = SimulatedTCOSCard.tcos3ATR
    var files: [Path: SimulatedTCOSFile] = [mf: SimulatedTCOSFile(body: .directory(name: nil, children: []))]
    var pins: [SimulatedTCOSPINKey: SimulatedTCOSPIN] = [:]

    var currentDF: Path = mf
    var currentEF: Path?
    var verified: Set<SimulatedTCOSPINKey> = []

    mutating func resetSession() {
        currentDF = Self.mf
        currentEF = nil
        verified = []
    }

    // MARK: - Building

    mutating func add(_ path: Path, _ file: SimulatedTCOSFile) {
        let parent = Path(path.dropLast())
        files[path] = file
        if case .directory(let name, var children)? = files[parent]?.body, let last = path.last,
           !children.contains(last) {
            children.append(last)
            files[parent]?.body = .directory(name: name, children: children)
        }
    }

    mutating func addPIN(_ df: Path, number: UInt8, _ pin: SimulatedTCOSPIN) {
        pins[SimulatedTCOSPINKey(df: df, number: number)] = pin
    }

    // MARK: - Dispatch

    mutating func process(_ bytes: [UInt8]) -> [UInt8] {
        guard let command = try? CommandAPDU(parsing: bytes) else { return sw(0x6700) }
        switch (command.cla, command.ins) {
        case (0x00, 0xA4): return select(command)
        case (0x00, 0xB0): return readBinary(command)
        case (0x00, 0xD6): return updateBinary(command)
        case (0x00, 0xB2): return readRecord(command)
        case (0x00, 0xDC): return updateRecord(command)
        case (0x80, 0xAA): return listFiles(command)
        case (0x00, 0x20): return verify(command)
        case (0x00, 0x24): return changeReferenceData(command)
        case (0x00, 0x2C): return resetRetryCounter(command)
        case (0x00, 0x84): return getChallenge(command)
        case (0x00, 0x22): return manageSecurityEnvironment(command)
        // PSO: the simulated card holds no private keys; "referenced data not found".
        case (0x00, 0x2A): return sw(0x6A88)
        case (0x00, _), (0x80, _): return sw(0x6D00)
        default: return sw(0x6E00)
        }
    }

    func sw(_ value: UInt16, _ data: [UInt8] = []) -> [UInt8] {
        data + [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    /// Data limited to Ne, as a card that answers whatever fits.
    func answer(_ data: [UInt8], _ command: CommandAPDU) -> [UInt8] {
        sw(0x9000, Array(data.prefix(command.ne ?? 0)))
    }

    // MARK: - Security

    /// The PIN a reference names: local references (bit 80) search the current DF and then
    /// its parents, global ones the MF. Returns the key of the DF that defines it.
    func resolvePIN(_ reference: UInt8) -> SimulatedTCOSPINKey? {
        let number = reference & 0x7F
        var df = reference & 0x80 != 0 ? currentDF : Self.mf
        while !df.isEmpty {
            let key = SimulatedTCOSPINKey(df: df, number: number)
            if pins[key] != nil { return key }
            df.removeLast()
        }
        return nil
    }

    /// Access to `path` under `access`: a PIN of the file's DF chain must be verified.
    func allowed(_ access: SimulatedTCOSFile.Access, for path: Path) -> Bool {
        switch access {
        case .always: return true
        case .never: return false
        case .pin(let number):
            var df = Path(path.dropLast())
            while !df.isEmpty {
                let key = SimulatedTCOSPINKey(df: df, number: number)
                if pins[key] != nil { return verified.contains(key) }
                df.removeLast()
            }
            return false
        }
    }
}
