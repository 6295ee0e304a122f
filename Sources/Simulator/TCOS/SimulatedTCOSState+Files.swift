import APDU
import TCOS

/// SELECT, READ/UPDATE BINARY, READ/UPDATE RECORD and the TCOS list command.
extension SimulatedTCOSState {
    mutating func select(_ command: CommandAPDU) -> [UInt8] {
        guard [0x00, 0x04, 0x0C].contains(command.p2) else { return sw(0x6A86) }
        let data = command.data
        var target: Path?
        switch command.p1 {
        case 0x00, 0x01, 0x02:
            if data.isEmpty, command.p1 == 0x00 {
                target = Self.mf                                  // empty SELECT: the MF
            } else {
                guard data.count == 2 else { return sw(0x6700) }
                let id = UInt16(data[0]) << 8 | UInt16(data[1])
                if id == 0x3F00 && command.p1 == 0x00 {
                    target = Self.mf
                } else if id == currentDF.last && command.p1 == 0x00 {
                    target = currentDF
                } else if let file = files[currentDF + [id]] {
                    let wanted = command.p1 == 0x01 ? true : command.p1 == 0x02 ? false : file.isDirectory
                    if file.isDirectory == wanted { target = currentDF + [id] }
                }
            }
        case 0x03:
            // The parent DF (card-tcos.c's SC_PATH_TYPE_PARENT); the MF is its own parent.
            guard data.isEmpty else { return sw(0x6700) }
            target = currentEF == nil && currentDF.count > 1 ? Path(currentDF.dropLast()) : currentDF
        case 0x04:
            guard (1...16).contains(data.count) else { return sw(0x6700) }
            target = files.first { _, file in
                if case .directory(let name?, _) = file.body { return name == data }
                return false
            }?.key
        case 0x08, 0x09:
            guard !data.isEmpty, data.count % 2 == 0 else { return sw(0x6700) }
            var path = command.p1 == 0x08 ? Self.mf : currentDF
            for i in stride(from: 0, to: data.count, by: 2) {
                path.append(UInt16(data[i]) << 8 | UInt16(data[i + 1]))
            }
            if files[path] != nil { target = path }
        default:
            return sw(0x6A86)
        }
        guard let target, let file = files[target] else { return sw(0x6A82) }
        if file.isDirectory {
            currentDF = target
            currentEF = nil
        } else {
            currentDF = Path(target.dropLast())
            currentEF = target
        }
        // P2 0C asks for nothing; 00 and 04 get the FCP when Le is present (opensc-tool -s
        // sends 00 A4 00 00 02 3F 00 without Le and gets a bare 9000).
        guard command.p2 != 0x0C, command.ne != nil else { return sw(0x9000) }
        return answer(fcp(target, file).encoded(), command)
    }

    func fcp(_ path: Path, _ file: SimulatedTCOSFile) -> FileControlParameters {
        let id = path.last ?? 0x3F00
        switch file.body {
        case .directory(let name, _):
            return .directory(fileID: id, name: name)
        case .transparent(let bytes):
            return .elementary(fileID: id, size: bytes.count)
        case .records(let records):
            return .elementary(fileID: id, size: records.reduce(0) { $0 + $1.count }, descriptor: 0x04)
        }
    }

    /// The current EF when it is transparent; else the status word to answer.
    func currentTransparent() -> (Path, [UInt8])? {
        guard let path = currentEF, case .transparent(let bytes)? = files[path]?.body else { return nil }
        return (path, bytes)
    }

    func noCurrentTransparentStatus() -> UInt16 {
        guard let path = currentEF, let file = files[path] else { return 0x6986 }
        return file.isDirectory ? 0x6986 : 0x6981
    }

    mutating func readBinary(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 & 0x80 == 0 else { return sw(0x6A81) }   // short EF identifiers: not offered
        guard command.data.isEmpty, let ne = command.ne else { return sw(0x6700) }
        guard let (path, bytes) = currentTransparent() else { return sw(noCurrentTransparentStatus()) }
        guard allowed(files[path]!.read, for: path) else { return sw(0x6982) }
        let offset = Int(command.p1) << 8 | Int(command.p2)
        guard offset < bytes.count else { return sw(0x6B00) }
        return sw(0x9000, Array(bytes[offset..<min(bytes.count, offset + ne)]))
    }

    mutating func updateBinary(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 & 0x80 == 0 else { return sw(0x6A81) }
        guard !command.data.isEmpty, command.ne == nil else { return sw(0x6700) }
        guard let (path, bytes) = currentTransparent() else { return sw(noCurrentTransparentStatus()) }
        guard allowed(files[path]!.write, for: path) else { return sw(0x6982) }
        let offset = Int(command.p1) << 8 | Int(command.p2)
        guard offset < bytes.count else { return sw(0x6B00) }
        guard offset + command.data.count <= bytes.count else { return sw(0x6A84) }
        var updated = bytes
        updated.replaceSubrange(offset..<(offset + command.data.count), with: command.data)
        files[path]?.body = .transparent(updated)
        return sw(0x9000)
    }

    /// The current EF's records for READ/UPDATE RECORD with P2 04 (record number in P1).
    func currentRecords(_ command: CommandAPDU) -> Result<(Path, [[UInt8]]), StatusCode> {
        guard command.p2 == 0x04, command.p1 != 0 else { return .failure(StatusCode(0x6A86)) }
        guard let path = currentEF, let file = files[path] else { return .failure(StatusCode(0x6986)) }
        guard case .records(let records) = file.body else { return .failure(StatusCode(0x6981)) }
        return .success((path, records))
    }

    mutating func readRecord(_ command: CommandAPDU) -> [UInt8] {
        guard command.data.isEmpty, command.ne != nil else { return sw(0x6700) }
        switch currentRecords(command) {
        case .failure(let code): return sw(code.value)
        case .success(let (path, records)):
            guard allowed(files[path]!.read, for: path) else { return sw(0x6982) }
            let index = Int(command.p1) - 1
            guard index < records.count else { return sw(0x6A83) }
            return answer(records[index], command)
        }
    }

    mutating func updateRecord(_ command: CommandAPDU) -> [UInt8] {
        guard !command.data.isEmpty, command.ne == nil else { return sw(0x6700) }
        switch currentRecords(command) {
        case .failure(let code): return sw(code.value)
        case .success(let (path, records)):
            guard allowed(files[path]!.write, for: path) else { return sw(0x6982) }
            let index = Int(command.p1) - 1
            guard index < records.count else { return sw(0x6A83) }
            var updated = records
            updated[index] = command.data
            files[path]?.body = .records(updated)
            return sw(0x9000)
        }
    }

    /// 80 AA: P1 01 the DFs, P1 02 the EFs of the current DF, FIDs back to back.
    mutating func listFiles(_ command: CommandAPDU) -> [UInt8] {
        guard command.p1 == 0x01 || command.p1 == 0x02, command.p2 == 0x00 else { return sw(0x6A86) }
        guard command.data.isEmpty else { return sw(0x6700) }
        guard case .directory(_, let children)? = files[currentDF]?.body else { return sw(0x6986) }
        let wanted = command.p1 == 0x01
        let ids = children.filter { files[currentDF + [$0]]?.isDirectory == wanted }
        guard !ids.isEmpty else { return sw(0x6A82) }
        return sw(0x9000, ids.flatMap(fidBytes).prefix(command.ne ?? 256).map { $0 })
    }
}

/// A status word as a failure value, for helpers that return either data or a refusal.
struct StatusCode: Error, Sendable {
    var value: UInt16
    init(_ value: UInt16) { self.value = value }
}
