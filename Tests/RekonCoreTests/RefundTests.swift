import Testing

@testable import RekonCore

let jan1 = Day(year: 2026, month: 1, day: 1)!

func refund(
    _ method: Product.RefundMethod, premium: Int64 = 1_500_000, tenor: Int64 = 36, start: Day = jan1,
    at d: Day, share: Int64 = 1_000_000, fee: Int64 = 0
) -> Int64 {
    Refund.amount(
        premium: premium, tenorMonths: tenor, start: start, end: start.addingMonths(Int(tenor)), at: d,
        rule: Product.Refund(method: method, shareMicros: share, adminFee: fee))
}

@Test("SPEC's worked example: P 1,500,000, n 36, r 24 gives 1,000,000 pro rata and 675,676 by the rule of 78")
func workedExample() {
    let d = jan1.addingMonths(12)  // 12 months elapsed, 24 left
    #expect(Refund.elapsedMonths(start: jan1, at: d) == 12)
    #expect(refund(.PRO_RATA_MONTHS, at: d) == 1_000_000)
    #expect(refund(.RULE_OF_78, at: d) == 675_676)
}

@Test("a started month counts as elapsed; none on the start date itself")
func elapsedMonths() {
    #expect(Refund.elapsedMonths(start: jan1, at: jan1) == 0)
    #expect(Refund.elapsedMonths(start: jan1, at: jan1.addingDays(1)) == 1)
    #expect(Refund.elapsedMonths(start: jan1, at: Day(year: 2026, month: 2, day: 1)!) == 1)
    #expect(Refund.elapsedMonths(start: jan1, at: Day(year: 2026, month: 2, day: 2)!) == 2)
    #expect(Refund.elapsedMonths(start: jan1, at: Day(year: 2025, month: 12, day: 1)!) == 0)
}

@Test(
    "starts on the 29th to 31st follow the month-end clamp",
    arguments: [
        (Day(year: 2026, month: 1, day: 31)!, Day(year: 2026, month: 2, day: 28)!, Int64(1)),
        (Day(year: 2026, month: 1, day: 31)!, Day(year: 2026, month: 3, day: 1)!, Int64(2)),
        (Day(year: 2024, month: 1, day: 30)!, Day(year: 2024, month: 2, day: 29)!, Int64(1)),
        (Day(year: 2024, month: 2, day: 29)!, Day(year: 2025, month: 2, day: 28)!, Int64(12)),
    ])
func monthEnds(_ start: Day, _ d: Day, _ months: Int64) {
    #expect(Refund.elapsedMonths(start: start, at: d) == months)
}

@Test("effective on the start date refunds everything; on or after the end date nothing")
func edges() {
    #expect(refund(.PRO_RATA_MONTHS, at: jan1) == 1_500_000)
    #expect(refund(.RULE_OF_78, at: jan1) == 1_500_000)
    #expect(refund(.PRO_RATA_DAYS, at: jan1) == 1_500_000)
    let end = jan1.addingMonths(36)
    for m in Product.RefundMethod.allCases {
        #expect(refund(m, at: end) == 0)
        #expect(refund(m, at: end.addingDays(40)) == 0)
    }
}

@Test("pro rata by days counts leap days")
func proRataDays() {
    // 2024 is a leap year: 366 days in a 12-month cover from 2024-01-01; at 2024-03-01, 306 are left.
    let start = Day(year: 2024, month: 1, day: 1)!
    #expect(
        refund(.PRO_RATA_DAYS, premium: 366_000, tenor: 12, start: start, at: Day(year: 2024, month: 3, day: 1)!)
            == 306_000)
}

@Test("share and admin fee apply once, before the one rounding, and never go below zero")
func shareAndFee() {
    let d = jan1.addingMonths(12)
    #expect(refund(.PRO_RATA_MONTHS, at: d, share: 900_000) == 900_000)
    #expect(refund(.PRO_RATA_MONTHS, at: d, share: 900_000, fee: 50_000) == 850_000)
    #expect(refund(.RULE_OF_78, at: d, share: 900_000) == 608_108)  // 608,108.108…
    #expect(refund(.PRO_RATA_MONTHS, at: d, fee: 2_000_000) == 0)
    #expect(refund(.NONE, at: d) == 0)
}
