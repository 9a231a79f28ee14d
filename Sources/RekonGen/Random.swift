/// SplitMix64 (Steele, Lea & Flood, 2014): a tiny, fast, seedable generator whose output depends only on
/// its seed, on every platform and Swift version. The world never uses the system generator.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The SplitMix64 finaliser: a bijective mix of 64 bits.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream for item `index` of purpose `salt` of a world seeded with `seed`, so that
    /// any item can be regenerated on its own (the ledger re-derives each policy instead of storing it).
    @inline(__always) static func stream(seed: UInt64, salt: UInt64, index: Int) -> SplitMix64 {
        SplitMix64(
            seed: mix(
                mix(seed ^ (salt &* 0xD6E8_FEB8_6659_FD93)) &+ UInt64(truncatingIfNeeded: index)
                    &* 0x9E37_79B9_7F4A_7C15))
    }

    @inline(__always) mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// Uniform in `0..<n` (multiply-shift; its bias below 2^-40 for our n is irrelevant and deterministic).
    @inline(__always) mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in the closed range.
    @inline(__always) mutating func inRange(_ lo: Int, _ hi: Int) -> Int { lo + below(hi - lo + 1) }

    /// True with probability `percent` / 100.
    @inline(__always) mutating func percent(_ p: Int) -> Bool { below(100) < p }

    /// True with probability `permille` / 1000.
    @inline(__always) mutating func permille(_ p: Int) -> Bool { below(1000) < p }

    /// Fisher-Yates, in place.
    mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i > 0 {
            let j = below(i + 1)
            a.swapAt(i, j)
            i -= 1
        }
    }
}
