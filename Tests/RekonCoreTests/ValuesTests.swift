import Testing

@testable import RekonCore

func bytes<R>(_ s: String, _ f: (UnsafeRawBufferPointer) -> R) -> R {
    var s = s
    return s.withUTF8 { f(UnsafeRawBufferPointer($0)) }
}

@Test("round half up goes away from zero on halves and is exact")
func roundHalfUp() {
    #expect(Money.roundHalfUp(5, 2) == 3)
    #expect(Money.roundHalfUp(4, 2) == 2)
    #expect(Money.roundHalfUp(7, 3) == 2)
    #expect(Money.roundHalfUp(-5, 2) == -2)
    #expect(Money.roundHalfUp(1_000_000 * 1_000 + 500, 1_000) == 1_000_001)
}

@Test("premium = round_half_up(SI × rate / 1000) in fixed point")
func premium() {
    #expect(Money.premium(sumInsured: 100_000_000, rate: Rate(micros: 15_000_000)) == 1_500_000)
    #expect(Money.premium(sumInsured: 1_234_567, rate: Rate(micros: 12_250_000)) == 15_123)  // 15123.45…
    #expect(Money.premium(sumInsured: 1_000, rate: Rate(micros: 500_000)) == 1)  // 0.5 → 1
    #expect(Money.premium(sumInsured: 5_000_000_000_000, rate: Rate(micros: 999_999_999)) == 4_999_999_995_000)
}

@Test("months are added with the day clamped to the month's end")
func addingMonths() {
    #expect(Day(year: 2026, month: 1, day: 31)!.addingMonths(1) == Day(year: 2026, month: 2, day: 28)!)
    #expect(Day(year: 2024, month: 1, day: 31)!.addingMonths(1) == Day(year: 2024, month: 2, day: 29)!)
    #expect(Day(year: 2026, month: 1, day: 5)!.addingMonths(36) == Day(year: 2029, month: 1, day: 5)!)
    #expect(Day(year: 2026, month: 11, day: 30)!.addingMonths(3) == Day(year: 2027, month: 2, day: 28)!)
}

@Test("day numbers round-trip through the civil calendar")
func civilRoundTrip() {
    for n in stride(from: -719_162, to: 2_932_896, by: 997) {
        let d = Day(number: Int32(n))
        let c = d.civil
        #expect(Day(year: c.year, month: c.month, day: c.day) == d)
    }
    #expect(Day(year: 1970, month: 1, day: 1)!.number == 0)
    #expect(Day(year: 2026, month: 2, day: 29) == nil)
}

@Test(
    "each supported date layout parses only real dates",
    arguments: [
        ("yyyy-MM-dd", "2026-06-30", "2026-06-30"), ("dd/MM/yyyy", "30/06/2026", "2026-06-30"),
        ("dd-MM-yyyy", "30-06-2026", "2026-06-30"), ("ddMMyyyy", "30062026", "2026-06-30"),
        ("yyyyMMdd", "20260630", "2026-06-30"), ("yyyy-MM-dd", "2026-02-30", ""), ("dd/MM/yyyy", "2026-06-30", ""),
        ("yyyy-MM-dd", "2026-6-30", ""), ("ddMMyyyy", "3006202a", ""),
    ])
func datePatterns(_ layout: String, _ text: String, _ iso: String) {
    let d = bytes(text) { DatePattern(layout)!.parse($0) }
    #expect(d?.iso ?? "" == iso)
}

@Test("numbers follow the file's separators, with thousands grouped in threes")
func numbers() {
    let id = NumberFormat(decimal: UInt8(ascii: ","), thousands: UInt8(ascii: "."))
    #expect(bytes("1.500.000") { id.parseAmount($0) } == 1_500_000)
    #expect(bytes("1.500.000,00") { id.parseAmount($0) } == 1_500_000)
    #expect(bytes("1500000") { id.parseAmount($0) } == 1_500_000)
    #expect(bytes("1.500.000,50") { id.parseAmount($0) } == nil)  // a fraction of a rupiah
    #expect(bytes("1.5") { id.parseAmount($0) } == nil)  // bad grouping
    #expect(bytes("15.00.000") { id.parseAmount($0) } == nil)
    #expect(bytes("2,5") { id.parseRate($0) } == Rate(micros: 2_500_000))
    #expect(bytes("12.25") { NumberFormat.standard.parseRate($0) } == Rate(micros: 12_250_000))
    #expect(bytes("0.0000001") { NumberFormat.standard.parseRate($0) } == nil)
    #expect(bytes("12x00") { NumberFormat.standard.parseAmount($0) } == nil)
    #expect(bytes("99999999999999999999") { NumberFormat.standard.parseAmount($0) } == nil)
    #expect(bytes("") { NumberFormat.standard.parseAmount($0) } == nil)
}

@Test("text decodes exactly per encoding; bytes without a character are refused")
func encodings() {
    let euro: [UInt8] = [0x80, 0x41]
    #expect(euro.withUnsafeBytes { TextEncoding.windows1252.decode($0) } == "€A")
    #expect(euro.withUnsafeBytes { TextEncoding.iso88591.decode($0) } == "\u{80}A")
    #expect(euro.withUnsafeBytes { TextEncoding.utf8.decode($0) } == nil)
    let undefined: [UInt8] = [0x81]
    #expect(undefined.withUnsafeBytes { TextEncoding.windows1252.decode($0) } == nil)
    let e9: [UInt8] = [0x4A, 0xE9]
    #expect(e9.withUnsafeBytes { TextEncoding.windows1252.decode($0) } == "Jé")
}

@Test("rates print in their shortest exact form")
func rateText() {
    #expect(Rate(micros: 2_500_000).description == "2.5")
    #expect(Rate(micros: 3_000_000).description == "3")
    #expect(Rate(micros: 125).description == "0.000125")
}

@Test("globs match file base names")
func globs() {
    #expect(Glob.matches("BKX_POL_*.csv*", "BKX_POL_20260630.csv.gz"))
    #expect(Glob.matches("*_NB_*.csv", "BKA_NB_1.csv"))
    #expect(!Glob.matches("*_NB_*.csv", "BKA_NB_1.csv.gz"))
    #expect(Glob.matches("a?c", "abc"))
    #expect(!Glob.matches("a?c", "ac"))
}

@Test("names compare after trimming, collapsing blanks and upper-casing")
func names() {
    #expect(NameNormal.form("  Budi   Santoso ") == NameNormal.form("BUDI SANTOSO"))
    #expect(NameNormal.form("Zoë") == NameNormal.form("ZOË"))
    #expect(NameNormal.form("Budi Santosa") != NameNormal.form("Budi Santoso"))
}

@Test("a NIK's digits 7-12 are the birth date, day + 40 for women")
func nik() {
    let birth = Day(year: 1980, month: 5, day: 15)!
    #expect(RowRules.nikAgrees("3171011505800001", birth: birth, gender: "M"))
    #expect(RowRules.nikAgrees("3171015505800001", birth: birth, gender: "F"))
    #expect(!RowRules.nikAgrees("3171011505800001", birth: birth, gender: "F"))
    #expect(!RowRules.nikAgrees("3171011605800001", birth: birth, gender: "M"))
}
