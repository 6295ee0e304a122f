import TrustedPathCore

/// A two-line hex comparison that points at the first differing byte, for replay failures.
enum HexDiff {
    static func describe(expected: [UInt8], actual: [UInt8]) -> String {
        let common = min(expected.count, actual.count)
        let firstDifference = (0..<common).first { expected[$0] != actual[$0] } ?? common
        var lines = ["first difference at byte \(firstDifference) "
                     + "(expected \(expected.count) bytes, got \(actual.count))"]
        lines.append("  expected: " + Hex.encode(expected, separator: " "))
        lines.append("       got: " + Hex.encode(actual, separator: " "))
        lines.append("            " + String(repeating: " ", count: firstDifference * 3) + "^^")
        return lines.joined(separator: "\n")
    }
}
