/// The decimal and thousands separators of a file, and number parsing from its bytes.
public struct NumberFormat: Hashable, Sendable {
    public var decimal: UInt8
    public var thousands: UInt8?

    public static let standard = NumberFormat(decimal: UInt8(ascii: "."), thousands: nil)

    public init(decimal: UInt8, thousands: UInt8?) {
        self.decimal = decimal
        self.thousands = thousands
    }

    /// Splits a number into sign, integer digits value and fraction digits (at most `maxScale`),
    /// enforcing thousands grouping in threes. nil when the bytes are not a number in this format.
    @inline(__always)
    func parse(_ p: UnsafeRawBufferPointer, maxScale: Int) -> (
        negative: Bool, integer: Int64, fraction: Int64, scale: Int
    )? {
        var i = 0
        let n = p.count
        var negative = false
        if n > 0 && (p[0] == 45 || p[0] == 43) {  // - +
            negative = p[0] == 45
            i = 1
        }
        var integer: Int64 = 0
        var digits = 0
        var group = -1  // digits since the last thousands separator; -1 before any
        while i < n {
            let c = p[i]
            let d = c &- 48
            if d <= 9 {
                let (m, o1) = integer.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(d))
                if o1 || o2 { return nil }
                integer = s
                digits += 1
                if group >= 0 {
                    group += 1
                    if group > 3 { return nil }
                }
            } else if let t = thousands, c == t {
                if digits == 0 || (group >= 0 && group != 3) || (group < 0 && digits > 3) { return nil }
                group = 0
            } else {
                break
            }
            i += 1
        }
        if digits == 0 || (group >= 0 && group != 3) { return nil }
        var fraction: Int64 = 0
        var scale = 0
        if i < n {
            guard p[i] == decimal else { return nil }
            i += 1
            if i == n { return nil }
            while i < n {
                let d = p[i] &- 48
                if d > 9 { return nil }
                if scale == maxScale {
                    if d != 0 { return nil }  // more precision than allowed, only zeros accepted
                } else {
                    fraction = fraction * 10 + Int64(d)
                    scale += 1
                }
                i += 1
            }
        }
        return (negative, integer, fraction, scale)
    }

    /// Whole rupiah; a fraction is allowed only when it is zero (`1.500.000,00`).
    public func parseAmount(_ p: UnsafeRawBufferPointer) -> Int64? {
        guard let r = parse(p, maxScale: 0) else { return nil }
        return r.negative ? -r.integer : r.integer
    }

    /// A plain whole number (no separators beyond thousands).
    public func parseInteger(_ p: UnsafeRawBufferPointer) -> Int64? { parseAmount(p) }

    /// A rate per mille with up to six decimals.
    public func parseRate(_ p: UnsafeRawBufferPointer) -> Rate? {
        guard let r = parse(p, maxScale: 6) else { return nil }
        var f = r.fraction
        for _ in r.scale..<6 { f *= 10 }
        let (m, o) = r.integer.multipliedReportingOverflow(by: Rate.scale)
        if o { return nil }
        let v = m + f
        return Rate(micros: r.negative ? -v : v)
    }

    /// A fixed-point share such as 0.9 or 1 with up to six decimals, in millionths.
    public func parseMicros(_ p: UnsafeRawBufferPointer) -> Int64? { parseRate(p)?.micros }
}
