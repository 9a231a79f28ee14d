/// Premium refunds (SPEC §4), exact in integers and rounded half up once, at the end.
public enum Refund {
    /// Months elapsed at `d`: the smallest k ≥ 0 with start + k months ≥ d (a started month counts).
    public static func elapsedMonths(start: Day, at d: Day) -> Int64 {
        if d <= start { return 0 }
        let (sy, sm, _) = start.civil, (dy, dm, _) = d.civil
        var k = Int64((dy - sy) * 12 + (dm - sm))
        if k < 0 { k = 0 }
        // Month arithmetic clamps days, so step to the exact smallest k.
        while k > 0 && start.addingMonths(Int(k - 1)) >= d { k -= 1 }
        while start.addingMonths(Int(k)) < d { k += 1 }
        return k
    }

    /// The refund of premium `premium` of a version running `start`..<`end` over `tenor` months, at `d`,
    /// by the product's rule: the unexpired share by method, × share − admin fee, never below zero.
    public static func amount(
        premium: Int64, tenorMonths n: Int64, start: Day, end: Day, at d: Day,
        rule: Product.Refund
    ) -> Int64 {
        let p = Int128(premium)
        var num: Int128
        var den: Int128
        switch rule.method {
        case .NONE:
            return 0
        case .PRO_RATA_MONTHS, .RULE_OF_78:
            guard n > 0 else { return 0 }
            let r = Int128(max(0, n - elapsedMonths(start: start, at: d)))
            if rule.method == .PRO_RATA_MONTHS {
                num = p * r
                den = Int128(n)
            } else {
                num = p * r * (r + 1)
                den = Int128(n) * Int128(n + 1)
            }
        case .PRO_RATA_DAYS:
            let total = Int128(end.number - start.number)
            guard total > 0 else { return 0 }
            let from = max(d, start)
            let left = Int128(max(0, end.number - from.number))
            num = p * left
            den = total
        }
        // × share (millionths) − admin fee, rounded once.
        num = num * Int128(rule.shareMicros) - Int128(rule.adminFee) * den * 1_000_000
        den = den * 1_000_000
        if num <= 0 { return 0 }
        return Money.roundHalfUp(num, den)
    }
}
