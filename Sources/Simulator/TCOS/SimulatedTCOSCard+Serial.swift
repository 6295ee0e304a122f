extension SimulatedTCOSCard {
    /// A card of `profile` with its own serial number in EF 2F02 (GDO tag 5A, 10 BCD bytes),
    /// so a drawer of simulated cards holds cards an operator and the ceremony can tell apart.
    public convenience init(profile: Profile = .trustedPath, serialNumber: UInt64) {
        self.init(profile: profile)
        var digits = [UInt8](repeating: 0, count: 10)
        var rest = serialNumber
        for index in stride(from: 9, through: 0, by: -1) {
            digits[index] = UInt8(rest % 10) | UInt8((rest / 10) % 10) << 4
            rest /= 100
        }
        // 89 49 01 73 is the issuer prefix the reference card carries; keep it, as OpenSC reads it.
        let serial = [0x89, 0x49, 0x01, 0x73] + Array(digits.suffix(6))
        state.withLock { state in
            state.files[SimulatedTCOSState.mf + [0x2F02]]?.body = .transparent([0x5A, 0x0A] + serial)
        }
    }
}
