import APDU
import TrustedPathCore

/// The TCOS 3.0 card commands over any `CardChannel` (CCID slot or PC/SC): one method per
/// APDU, status words turned into `TCOSError`s. It keeps no state; the card's current file is
/// whatever the last SELECT chose.
///
/// PIN handling: PIN bytes come in as `SecretBytes` only. The APDU data array carrying them is
/// created here, handed to `CommandAPDU` without a copy (arrays are copy-on-write), and wiped
/// with `SecretBytes.wipe` once the command value has been released, so the wipe writes the
/// very storage the command used. Copies a channel makes while encoding (its transmit buffer)
/// are that channel's to wipe.
public struct TCOSCommands: Sendable {
    public let channel: any CardChannel

    public init(channel: any CardChannel) { self.channel = channel }

    // MARK: - Transport

    /// Sends and maps a thrown channel error to `.transport`.
    func send(_ cla: UInt8 = 0x00, _ ins: UInt8, _ p1: UInt8, _ p2: UInt8, data: [UInt8] = [],
              ne: Int? = nil) async throws(TCOSError) -> ResponseAPDU {
        let command: CommandAPDU
        do {
            command = try CommandAPDU(cla: cla, ins: ins, p1: p1, p2: p2, data: data, ne: ne)
        } catch {
            throw TCOSError(.invalidArgument, field: "APDU", "\(error)")
        }
        do {
            return try await channel.transmit(command)
        } catch {
            throw TCOSError(transport: error)
        }
    }

    /// Sends a command whose data holds a secret and wipes that data afterwards.
    func sendSecret(_ ins: UInt8, _ p1: UInt8, _ p2: UInt8,
                    _ parts: [SecretBytes]) async throws(TCOSError) -> ResponseAPDU {
        var data: [UInt8] = []
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for part in parts { part.withBytes { data.append(contentsOf: $0) } }
        defer { SecretBytes.wipe(&data) }
        return try await send(0x00, ins, p1, p2, data: data)
    }

    /// Maps the status words every command shares; `context` names the command.
    static func check(_ response: ResponseAPDU, _ context: String) throws(TCOSError) {
        let sw = response.statusWord
        if sw == .success { return }
        switch sw.rawValue {
        case 0x6A82: throw TCOSError(.fileNotFound, statusWord: sw, context)
        case 0x6982: throw TCOSError(.securityStatusNotSatisfied, statusWord: sw, context)
        case 0x6983: throw TCOSError(.pinBlocked, statusWord: sw, triesLeft: 0, context)
        default: throw TCOSError(.unexpectedStatus, statusWord: sw, context + ": " + sw.meaning)
        }
    }

    // MARK: - SELECT (00 A4)

    /// P1 00 with a FID (3F00 is the MF, any other FID a file in the current DF).
    @discardableResult
    public func select(fileID: UInt16, returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        try await select(p1: 0x00, data: fileID.bigEndianBytes, returnFCP: returnFCP, "SELECT \(fid(fileID))")
    }

    /// The MF by an empty SELECT (`00 A4 00 0C` / `00 A4 00 04 00`), as opensc-explorer does.
    @discardableResult
    public func selectMF(returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        try await select(p1: 0x00, data: [], returnFCP: returnFCP, "SELECT MF")
    }

    /// P1 08: a path from the MF, the MF's own 3F00 left out (card-tcos.c strips it too).
    @discardableResult
    public func select(path: [UInt16], returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        var fids = path
        if fids.first == 0x3F00 { fids.removeFirst() }
        if fids.isEmpty { return try await select(fileID: 0x3F00, returnFCP: returnFCP) }
        return try await select(p1: 0x08, data: fids.flatMap(\.bigEndianBytes), returnFCP: returnFCP,
                                "SELECT path 3F00/" + fids.map(fid).joined(separator: "/"))
    }

    /// P1 03: the parent of the current DF (card-tcos.c's SC_PATH_TYPE_PARENT).
    @discardableResult
    public func selectParent(returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        try await select(p1: 0x03, data: [], returnFCP: returnFCP, "SELECT parent DF")
    }

    /// P1 09: a path from the current DF; one FID is a file in the current DF. This is how
    /// card-tcos.c selects by file ID.
    @discardableResult
    public func select(relativePath: [UInt16], returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        guard !relativePath.isEmpty else {
            throw TCOSError(.invalidArgument, field: "relative path", "empty")
        }
        return try await select(p1: 0x09, data: relativePath.flatMap(\.bigEndianBytes), returnFCP: returnFCP,
                                "SELECT relative path " + relativePath.map(fid).joined(separator: "/"))
    }

    /// P1 04: a DF by name (AID).
    @discardableResult
    public func select(dfName: [UInt8], returnFCP: Bool = true) async throws(TCOSError) -> FileControlParameters? {
        guard (1...16).contains(dfName.count) else {
            throw TCOSError(.invalidArgument, field: "DF name", "\(dfName.count) byte(s); 1 to 16 allowed")
        }
        return try await select(p1: 0x04, data: dfName, returnFCP: returnFCP, "SELECT DF name " + Hex.encode(dfName))
    }

    private func select(p1: UInt8, data: [UInt8], returnFCP: Bool,
                        _ context: String) async throws(TCOSError) -> FileControlParameters? {
        // P2 04 asks for the FCP (Le 00), P2 0C for nothing, as OpenSC's tcos_select_file.
        let response = try await send(0x00, 0xA4, p1, returnFCP ? 0x04 : 0x0C, data: data,
                                      ne: returnFCP ? 256 : nil)
        try Self.check(response, context)
        guard returnFCP else { return nil }
        return try FileControlParameters(parsing: response.data)
    }

    // MARK: - Transparent EFs (00 B0 / 00 D6)

    /// One READ BINARY: offset in P1-P2 (15 bits), up to 256 bytes.
    public func readBinary(offset: Int, count: Int) async throws(TCOSError) -> [UInt8] {
        guard (0...0x7FFF).contains(offset), (1...256).contains(count) else {
            throw TCOSError(.invalidArgument, field: "READ BINARY", "offset \(offset), count \(count)")
        }
        let response = try await send(0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), ne: count)
        // 6282: the file ended before Le bytes; the data is still good.
        if response.statusWord.rawValue == 0x6282 { return response.data }
        try Self.check(response, "READ BINARY at \(offset)")
        return response.data
    }

    /// Reads `length` bytes from `offset` in chunks of `chunkSize` (at most 255, short APDUs).
    public func readBinary(offset: Int = 0, length: Int, chunkSize: Int = 255) async throws(TCOSError) -> [UInt8] {
        guard (1...255).contains(chunkSize) else {
            throw TCOSError(.invalidArgument, field: "chunk size", "\(chunkSize); 1 to 255 allowed")
        }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        while out.count < length {
            let part = try await readBinary(offset: offset + out.count, count: min(chunkSize, length - out.count))
            if part.isEmpty { break }          // end of file: a shorter file than asked
            out.append(contentsOf: part)
        }
        return out
    }

    /// Reads a secret (a share, a credential): every chunk is wiped once copied, and the
    /// result is built in storage reserved up front so no reallocation leaves a copy behind.
    public func readBinary(offset: Int = 0, secretLength length: Int,
                           chunkSize: Int = 255) async throws(TCOSError) -> SecretBytes {
        guard (1...255).contains(chunkSize) else {
            throw TCOSError(.invalidArgument, field: "chunk size", "\(chunkSize); 1 to 255 allowed")
        }
        var out: [UInt8] = []
        out.reserveCapacity(length)
        do throws(TCOSError) {
            while out.count < length {
                var part = try await readBinary(offset: offset + out.count, count: min(chunkSize, length - out.count))
                defer { SecretBytes.wipe(&part) }
                if part.isEmpty { break }
                out.append(contentsOf: part)
            }
        } catch {
            SecretBytes.wipe(&out)
            throw error
        }
        return SecretBytes(consuming: &out)
    }

    /// Writes `data` from `offset` in chunks of `chunkSize`.
    public func updateBinary(offset: Int = 0, data: [UInt8], chunkSize: Int = 255) async throws(TCOSError) {
        try Self.checkChunk(chunkSize)
        var done = 0
        while done < data.count {
            let part = Array(data[done..<min(data.count, done + chunkSize)])
            try await updateChunk(at: offset + done, part)
            done += part.count
        }
    }

    /// Writes a secret in chunks; each chunk's APDU data is wiped after it was sent.
    public func updateBinary(offset: Int = 0, secret: SecretBytes, chunkSize: Int = 255) async throws(TCOSError) {
        try Self.checkChunk(chunkSize)
        var done = 0
        while done < secret.count {
            let end = min(secret.count, done + chunkSize)
            var part = secret.withBytes { Array($0[done..<end]) }
            defer { SecretBytes.wipe(&part) }
            try await updateChunk(at: offset + done, part)
            done = end
        }
    }

    private static func checkChunk(_ chunkSize: Int) throws(TCOSError) {
        guard (1...255).contains(chunkSize) else {
            throw TCOSError(.invalidArgument, field: "chunk size", "\(chunkSize); 1 to 255 allowed")
        }
    }

    private func updateChunk(at offset: Int, _ part: [UInt8]) async throws(TCOSError) {
        guard offset <= 0x7FFF else {
            throw TCOSError(.invalidArgument, field: "UPDATE BINARY", "offset \(offset) beyond 7FFF")
        }
        let response = try await send(0x00, 0xD6, UInt8(offset >> 8), UInt8(offset & 0xFF), data: part)
        try Self.check(response, "UPDATE BINARY at \(offset)")
    }

    // MARK: - Record EFs (00 B2 / 00 DC)

    /// READ RECORD n of the current EF (P2 04: record number in P1), whole record (Le 00).
    public func readRecord(_ number: Int) async throws(TCOSError) -> [UInt8] {
        guard (1...254).contains(number) else {
            throw TCOSError(.invalidArgument, field: "record number", "\(number); 1 to 254 allowed")
        }
        let response = try await send(0x00, 0xB2, UInt8(number), 0x04, ne: 256)
        try Self.check(response, "READ RECORD \(number)")
        return response.data
    }

    /// Reads records 1, 2, ... until the card answers 6A83 (record not found).
    public func readAllRecords(limit: Int = 254) async throws(TCOSError) -> [[UInt8]] {
        var records: [[UInt8]] = []
        for number in 1...max(1, limit) {
            let response = try await send(0x00, 0xB2, UInt8(number), 0x04, ne: 256)
            if response.statusWord.rawValue == 0x6A83 { break }
            try Self.check(response, "READ RECORD \(number)")
            records.append(response.data)
        }
        return records
    }

    public func updateRecord(_ number: Int, data: [UInt8]) async throws(TCOSError) {
        guard (1...254).contains(number), (1...255).contains(data.count) else {
            throw TCOSError(.invalidArgument, field: "UPDATE RECORD", "record \(number), \(data.count) byte(s)")
        }
        let response = try await send(0x00, 0xDC, UInt8(number), 0x04, data: data)
        try Self.check(response, "UPDATE RECORD \(number)")
    }

    // MARK: - TCOS list (80 AA)

    /// The FIDs of the DFs or EFs in the current DF.
    public func listFiles(_ kind: TCOSFileKind) async throws(TCOSError) -> [UInt16] {
        let response = try await send(0x80, 0xAA, kind.rawValue, 0x00, ne: 256)
        // No file of that kind: 6A82 or 6A88, which card-tcos.c also reads as an empty list.
        if response.statusWord == .fileNotFound || response.statusWord.rawValue == 0x6A88 { return [] }
        try Self.check(response, "LIST FILES")
        guard response.data.count % 2 == 0 else {
            throw TCOSError(.malformedResponse, field: "file list", "\(response.data.count) byte(s), not FID pairs")
        }
        return stride(from: 0, to: response.data.count, by: 2).map {
            UInt16(response.data[$0]) << 8 | UInt16(response.data[$0 + 1])
        }
    }
}

func fid(_ value: UInt16) -> String { hexByte(UInt8(value >> 8)) + hexByte(UInt8(value & 0xFF)) }
