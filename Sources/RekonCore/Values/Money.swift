/// Exact money arithmetic: whole rupiah in Int64, intermediate products in Int128, rounding half up once.
public enum Money {
    /// round_half_up(numerator / denominator) for a positive denominator; halves go up (towards +∞).
    @inlinable public static func roundHalfUp(_ numerator: Int128, _ denominator: Int128) -> Int64 {
        precondition(denominator > 0)
        // floor((2n + d) / 2d)
        let twice = 2 * numerator + denominator
        let q = twice / (2 * denominator)
        let r = twice % (2 * denominator)
        return Int64(r < 0 ? q - 1 : q)
    }

    /// The premium for a sum insured at a rate per mille: round_half_up(SI × rate / 1000).
    @inlinable public static func premium(sumInsured: Int64, rate: Rate) -> Int64 {
        roundHalfUp(Int128(sumInsured) * Int128(rate.micros), 1_000 * Int128(Rate.scale))
    }
}

/// A rate per mille in fixed point with six decimals (2.5‰ is 2_500_000 micros).
public struct Rate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public var micros: Int64
    @inlinable public init(micros: Int64) { self.micros = micros }
    @inlinable public static func < (a: Rate, b: Rate) -> Bool { a.micros < b.micros }

    /// The shortest decimal form: 2.5, 3, 0.000125.
    public var description: String {
        var out: [UInt8] = []
        FixedPoint.append(micros, scale: 6, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Formatting of fixed-point numbers without trailing zeros.
public enum FixedPoint {
    public static func append(_ value: Int64, scale: Int, to out: inout [UInt8]) {
        var p: Int64 = 1
        for _ in 0..<scale { p *= 10 }
        let neg = value < 0
        let mag = value.magnitude
        if neg { out.append(45) }
        Digits.append(mag / UInt64(p), to: &out)
        var frac = mag % UInt64(p)
        if frac == 0 { return }
        var digits = [UInt8](repeating: 48, count: scale)
        var i = scale - 1
        while i >= 0 {
            digits[i] = UInt8(48 + frac % 10)
            frac /= 10
            i -= 1
        }
        while digits.last == 48 { digits.removeLast() }
        out.append(46)
        out.append(contentsOf: digits)
    }
}

/// Integer to decimal ASCII without allocating a String.
public enum Digits {
    @inlinable public static func append(_ v: UInt64, to out: inout [UInt8]) {
        if v < 10 {
            out.append(UInt8(48 + v))
            return
        }
        var tmp:
            (
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8
            ) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { buf in
            while x > 0 {
                buf[n] = UInt8(48 + x % 10)
                x /= 10
                n += 1
            }
            var i = n - 1
            while i >= 0 {
                out.append(buf[i])
                i -= 1
            }
        }
    }

    @inlinable public static func append(_ v: Int64, to out: inout [UInt8]) {
        if v < 0 { out.append(45) }
        append(v.magnitude, to: &out)
    }

    @inlinable public static func append(_ v: Int, to out: inout [UInt8]) { append(Int64(v), to: &out) }
}
