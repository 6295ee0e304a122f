import ArgumentParser

/// Count options (messages, APDUs, rounds, samples): parsed within a range so that zero, a
/// negative, a number past Int's range or an absurd size is refused with the range in the
/// message (exit status 64) instead of trapping in a loop bound or an allocation.
enum CountOption {
    /// The transform for `@Option(parsing: .unconditional, transform:)`; unconditional
    /// parsing lets "-5" reach it as a value rather than being taken for an option.
    static func within(_ range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("give a whole number from \(grouped(range.lowerBound)) to \(grouped(range.upperBound))")
            }
            return value
        }
    }

    /// 100000000 as 100,000,000, for ranges people read at a glance.
    static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return value < 0 ? "-" + digits : digits
    }
}
