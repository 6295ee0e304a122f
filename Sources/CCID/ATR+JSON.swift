import TrustedPathCore

extension ATR {
    /// One JSON object; the first keys are fixed by the CLI contract, the derived parameters
    /// follow. Fi/Di/fMax are null when TA1 names a reserved value; FiIndex/DiIndex show it.
    public var json: JSONValue {
        func column(_ byte: KeyPath<ATRInterfaceBytes, UInt8?>) -> JSONValue {
            .array(groups.map { .number($0[keyPath: byte]) })
        }
        let t1 = offersT1
        var members: [(String, JSONValue)] = [
            ("TS", .int(Int(ts))), ("T0", .int(Int(t0))),
            ("TA", column(\.ta)), ("TB", column(\.tb)), ("TC", column(\.tc)), ("TD", column(\.td)),
            ("historicalBytes", .string(Hex.lower(historicalBytes))),
            ("TCK", .number(tck)), ("tckValid", .bool(tckValid)),
            ("protocols", .array(protocols.map { .int($0) })),
            ("Fi", .number(fi)), ("Di", .number(di)),
        ]
        members += [
            ("FiIndex", .int(Int(fiIndex))), ("DiIndex", .int(Int(diIndex))), ("fMax", .number(fMaxKHz)),
            ("convention", .string(isInverseConvention ? "inverse" : "direct")),
            ("defaultProtocol", .int(defaultProtocol)),
            ("specificMode", specificMode.map { mode in
                .object([("protocol", .int(mode.protocolType)), ("canChangeMode", .bool(mode.canChangeMode)),
                         ("implicitParameters", .bool(mode.implicitParameters))])
            } ?? .null),
            ("N", .int(extraGuardTime)), ("WI", .int(waitingInteger)),
            ("IFSC", t1 ? .int(ifsc) : .null), ("BWI", t1 ? .int(bwi) : .null), ("CWI", t1 ? .int(cwi) : .null),
            ("EDC", t1 ? .string(usesCRC ? "CRC" : "LRC") : .null),
            ("classIndicator", .number(classIndicator)),
        ]
        return .object(members)
    }

    /// A readable multi-line description for the CLI's plain output.
    public var listing: String {
        var lines = ["ATR: \(Hex.encode(bytes, separator: " "))"]
        lines.append("  TS = 0x\(hexDigits(ts, 2)) (\(isInverseConvention ? "inverse" : "direct") convention)")
        lines.append("  T0 = 0x\(hexDigits(t0, 2)) (\(t0 & 0x0F) historical byte(s))")
        for (index, group) in groups.enumerated() {
            let n = index + 1
            if let v = group.ta { lines.append("  TA\(n) = 0x\(hexDigits(v, 2))") }
            if let v = group.tb { lines.append("  TB\(n) = 0x\(hexDigits(v, 2))") }
            if let v = group.tc { lines.append("  TC\(n) = 0x\(hexDigits(v, 2))") }
            if let v = group.td { lines.append("  TD\(n) = 0x\(hexDigits(v, 2)) (T=\(v & 0x0F) follows)") }
        }
        lines.append("  historical bytes: \(Hex.encode(historicalBytes, separator: " "))")
        if let tck { lines.append("  TCK = 0x\(hexDigits(tck, 2)) (\(tckValid ? "correct" : "WRONG"))") }
        lines.append("  protocols: " + protocols.map { "T=\($0)" }.joined(separator: ", ")
                     + "; default T=\(defaultProtocol)" + (specificMode == nil ? "" : " (specific mode)"))
        let fiText = fi.map(String.init) ?? "RFU(\(fiIndex))"
        let diText = di.map(String.init) ?? "RFU(\(diIndex))"
        let fText = fMaxKHz.map { "\(Double($0) / 1000) MHz" } ?? "RFU"
        lines.append("  Fi = \(fiText), Di = \(diText), f(max) = \(fText), N = \(extraGuardTime)")
        if protocols.contains(0) { lines.append("  T=0: WI = \(waitingInteger)") }
        if offersT1 { lines.append("  T=1: IFSC = \(ifsc), BWI = \(bwi), CWI = \(cwi), EDC = \(usesCRC ? "CRC" : "LRC")") }
        if let classIndicator { lines.append("  class indicator: 0x\(hexDigits(classIndicator, 2))") }
        return lines.joined(separator: "\n")
    }
}
