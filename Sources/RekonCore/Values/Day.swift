/// A calendar date as a day number (days since 1970-01-01), parsed and formatted from bytes.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var number: Int32

    @inlinable public init(number: Int32) { self.number = number }

    /// The date for a valid civil year, month and day; nil when the day does not exist.
    @inlinable public init?(year: Int, month: Int, day: Int) {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12, day >= 1,
            day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.number = Int32(Day.daysFromCivil(year, month, day))
    }

    @inlinable public static func < (a: Day, b: Day) -> Bool { a.number < b.number }

    @inlinable public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    @inlinable public static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: return isLeap(y) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    @inlinable static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The civil (year, month, day) of this day number.
    @inlinable public var civil: (year: Int, month: Int, day: Int) {
        let z = Int(number) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// This date moved by whole months, the day clamped to the target month's end (Jan 31 + 1 = Feb 28/29).
    @inlinable public func addingMonths(_ months: Int) -> Day {
        let (y, m, d) = civil
        let total = y * 12 + (m - 1) + months
        let ny = total / 12
        let nm = total % 12 + 1
        let nd = min(d, Day.daysIn(month: nm, year: ny))
        return Day(number: Int32(Day.daysFromCivil(ny, nm, nd)))
    }

    @inlinable public func addingDays(_ days: Int) -> Day { Day(number: number + Int32(days)) }

    /// Whole years from `birth` to this date (age in completed years).
    @inlinable public func years(since birth: Day) -> Int {
        let a = civil
        let b = birth.civil
        var age = a.year - b.year
        if a.month < b.month || (a.month == b.month && a.day < b.day) { age -= 1 }
        return age
    }

    /// Appends `YYYY-MM-DD`.
    @inlinable public func appendISO(to out: inout [UInt8]) {
        let (y, m, d) = civil
        out.append(UInt8(48 + y / 1000 % 10))
        out.append(UInt8(48 + y / 100 % 10))
        out.append(UInt8(48 + y / 10 % 10))
        out.append(UInt8(48 + y % 10))
        out.append(45)
        out.append(UInt8(48 + m / 10))
        out.append(UInt8(48 + m % 10))
        out.append(45)
        out.append(UInt8(48 + d / 10))
        out.append(UInt8(48 + d % 10))
    }

    public var iso: String {
        var b: [UInt8] = []
        b.reserveCapacity(10)
        appendISO(to: &b)
        return String(decoding: b, as: UTF8.self)
    }

    public var description: String { iso }

    /// Parses `YYYY-MM-DD` (the canonical form).
    public static func parseISO(_ s: String) -> Day? {
        var s = s
        return s.withUTF8 { DatePattern.iso.parse(UnsafeRawBufferPointer($0)) }
    }
}

/// A date layout from a profile (`yyyy-MM-dd`, `dd/MM/yyyy`, `dd-MM-yyyy`, `ddMMyyyy`, `yyyyMMdd`), compiled to offsets.
public struct DatePattern: Hashable, Sendable {
    public let text: String
    let length: Int
    let year: Int, month: Int, day: Int
    /// (offset, byte) of each literal separator.
    let literals: [(Int, UInt8)]

    public static let supported = ["yyyy-MM-dd", "dd/MM/yyyy", "dd-MM-yyyy", "ddMMyyyy", "yyyyMMdd"]
    public static let iso = DatePattern("yyyy-MM-dd")!

    public static func == (a: DatePattern, b: DatePattern) -> Bool { a.text == b.text }
    public func hash(into h: inout Hasher) { h.combine(text) }

    public init?(_ text: String) {
        guard DatePattern.supported.contains(text) else { return nil }
        let b = Array(text.utf8)
        self.text = text
        length = b.count
        var y = -1
        var m = -1
        var d = -1
        var lits: [(Int, UInt8)] = []
        var i = 0
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "y"):
                y = i
                i += 4
            case UInt8(ascii: "M"):
                m = i
                i += 2
            case UInt8(ascii: "d"):
                d = i
                i += 2
            default:
                lits.append((i, b[i]))
                i += 1
            }
        }
        year = y
        month = m
        day = d
        literals = lits
    }

    @inline(__always) static func digits(_ p: UnsafeRawBufferPointer, _ at: Int, _ n: Int) -> Int? {
        var v = 0
        for k in at..<(at + n) {
            let c = p[k] &- 48
            if c > 9 { return nil }
            v = v * 10 + Int(c)
        }
        return v
    }

    /// Whether the bytes are a real date in this layout (year 1-9999), without computing its day number.
    @inline(__always) public func isValid(_ p: UnsafeRawBufferPointer) -> Bool {
        guard p.count == length else { return false }
        for (off, byte) in literals where p[off] != byte { return false }
        guard let y = DatePattern.digits(p, year, 4), let m = DatePattern.digits(p, month, 2),
            let d = DatePattern.digits(p, day, 2)
        else { return false }
        return y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= Day.daysIn(month: m, year: y)
    }

    /// Parses bytes in this layout; nil when they are not a real date in it.
    public func parse(_ p: UnsafeRawBufferPointer) -> Day? {
        guard p.count == length else { return nil }
        for (off, byte) in literals where p[off] != byte { return nil }
        guard let y = DatePattern.digits(p, year, 4), let m = DatePattern.digits(p, month, 2),
            let d = DatePattern.digits(p, day, 2)
        else { return nil }
        return Day(year: y, month: m, day: d)
    }
}
