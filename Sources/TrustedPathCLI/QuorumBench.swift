import ArgumentParser
import BackupKey
import Quorum
import TrustedPathCore

extension BenchCommand {
    /// Split plus combine of a 32-byte key per second, and a dudect-style check that their
    /// time does not depend on the secret.
    struct QuorumBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "quorum",
            abstract: "Shamir split + combine per second, and a timing-leak test (dudect style).",
            discussion: """
                The leak test times combine and split for two classes of secret, fixed (all zero) and \
                random, interleaved at random, and reports Welch's t statistic per operation, as dudect \
                does (Reparaz, Balasch, Verbauwhede 2017): |t| above 4.5 is evidence of a dependence on \
                the secret; below it, none was found at this sample size.
                """)

        // Bounded so a run ends within minutes: 8 of 16 runs some 4,000 rounds a second, a
        // leak-test sample takes tens of µs.
        @Option(parsing: .unconditional, help: "Split + combine rounds for the throughput figure, 1 to 1,000,000.",
                transform: CountOption.within(1...1_000_000))
        var rounds = 20_000
        @Option(parsing: .unconditional,
                help: "Timed samples for the leak test (each one's class chosen at random), 1,000 to 10,000,000 (fewer cannot reach a verdict).",
                transform: CountOption.within(1_000...10_000_000))
        var samples = 200_000

        func run() throws {
            let keyCheck: Quorum.KeyCheck = { _ in [UInt8](repeating: 0, count: 8) }
            for (k, n) in [(2, 3), (3, 5), (8, 16)] {
                let key = BackupKey.generate()
                let start = ContinuousClock.now
                for _ in 0..<rounds {
                    let shares = try Quorum.split(key, k: k, n: n, keyCheck: keyCheck)
                    _ = try Quorum.combine(Array(shares.prefix(k)))
                }
                let seconds = Self.seconds(ContinuousClock.now - start)
                print("\(k) of \(n): \(Int(Double(rounds) / seconds)) split+combine/s (\(Self.round(seconds / Double(rounds) * 1e6)) µs each)")
            }
            try leakTest()
        }

        /// dudect: class 0 a fixed secret, class 1 a random one, the class of each sample chosen
        /// at random so drifts of the machine hit both alike; the inputs prepared before timing.
        private func leakTest() throws {
            var generator = SystemRandomNumberGenerator()
            // The timed split draws its coefficients from an in-process generator: with the
            // system's (a getrandom call per coefficient) the syscalls' jitter, some 40 µs,
            // would drown the ~2 µs of arithmetic whose timing is under test.
            var coefficients = SplitMix64(seed: UInt64.random(in: .min ... .max, using: &generator))
            let keyCheck: Quorum.KeyCheck = { _ in [UInt8](repeating: 0, count: 8) }
            let fixed = SecretBytes([UInt8](repeating: 0, count: 32))
            var combine = (Welford(), Welford()), split = (Welford(), Welford())
            // Warm-up: the medians set the crop, so preempted samples drop out on any build.
            var warmCombine: [Double] = [], warmSplit: [Double] = []
            for _ in 0..<1000 {
                let shares = try Quorum.split(BackupKey.generate(), k: 3, n: 5, keyCheck: keyCheck).prefix(3).map { (x: $0.x, y: $0.y) }
                let t0 = ContinuousClock.now
                _ = try Shamir.interpolate(Array(shares))
                let t1 = ContinuousClock.now
                _ = try Shamir.split(fixed, k: 3, n: 5, using: &coefficients)
                warmCombine.append(Self.seconds(t1 - t0) * 1e9)
                warmSplit.append(Self.seconds(ContinuousClock.now - t1) * 1e9)
            }
            let combineCrop = 5 * warmCombine.sorted()[500], splitCrop = 5 * warmSplit.sorted()[500]
            for _ in 0..<samples {
                let randomClass = Bool.random(using: &generator)
                // Both classes prepare alike (a fresh key made, fresh shares split); only which
                // secret is split differs, so allocator and cache state match between them.
                let fresh = BackupKey.generate()
                let secret = randomClass ? fresh : SecretBytes(fixed.withBytes { $0 })
                let shares = try Quorum.split(secret, k: 3, n: 5, keyCheck: keyCheck)
                let chosen = Array(shares.prefix(3)).map { (x: $0.x, y: $0.y) }

                let t0 = ContinuousClock.now
                _ = try Shamir.interpolate(chosen)
                let t1 = ContinuousClock.now
                _ = try Shamir.split(secret, k: 3, n: 5, using: &coefficients)
                let t2 = ContinuousClock.now
                let combineTime = Self.seconds(t1 - t0) * 1e9, splitTime = Self.seconds(t2 - t1) * 1e9
                // Cropped as dudect does: a sample far above the median was preempted, not computed.
                guard combineTime < combineCrop, splitTime < splitCrop else { continue }
                if randomClass {
                    combine.1.add(combineTime)
                    split.1.add(splitTime)
                } else {
                    combine.0.add(combineTime)
                    split.0.add(splitTime)
                }
            }
            for (name, classes) in [("combine", combine), ("split", split)] {
                guard classes.0.count >= 100, classes.1.count >= 100 else {
                    print("leak test, \(name): too few samples kept (\(classes.0.count)+\(classes.1.count)): no verdict")
                    continue
                }
                let t = Welford.welchT(classes.0, classes.1)
                print("leak test, \(name): fixed \(Self.round(classes.0.mean)) ns vs random \(Self.round(classes.1.mean)) ns "
                    + "over \(classes.0.count)+\(classes.1.count) samples, Welch t = \(Self.round(t)) "
                    + (abs(t) < 4.5 ? "(no dependence on the secret found)" : "(EVIDENCE OF A TIMING LEAK)"))
            }
        }

        static func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }

        static func round(_ value: Double) -> Double { (value * 100).rounded() / 100 }
    }
}

/// Running mean and variance (Welford), so the leak test keeps no sample list.
struct Welford {
    private(set) var count = 0
    private(set) var mean = 0.0
    private var m2 = 0.0

    mutating func add(_ x: Double) {
        count += 1
        let delta = x - mean
        mean += delta / Double(count)
        m2 += delta * (x - mean)
    }

    var variance: Double { count > 1 ? m2 / Double(count - 1) : 0 }

    static func welchT(_ a: Welford, _ b: Welford) -> Double {
        let se = (a.variance / Double(max(1, a.count)) + b.variance / Double(max(1, b.count))).squareRoot()
        return se > 0 ? (a.mean - b.mean) / se : 0
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): a fast generator without syscalls, for timing only;
/// never for a real key.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
