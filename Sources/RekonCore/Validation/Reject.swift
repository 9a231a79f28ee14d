/// Why a row was rejected (SPEC §2).
public enum ReasonCode: String, CaseIterable, Sendable, Comparable {
    case MISSING_FIELD, BAD_NUMBER, BAD_DATE, BAD_CODE, BAD_NIK, NIK_MISMATCH, INCONSISTENT_DATES, OUT_OF_LIMITS,
        UNKNOWN_PRODUCT, BAD_ROW

    public static func < (a: ReasonCode, b: ReasonCode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One problem with one field of a row. A row with any problem is rejected whole.
public struct RowProblem: Equatable, Sendable {
    public var reason: ReasonCode
    public var field: String
    /// The offending text as the file had it (a NIK masked to its last four digits).
    public var value: String
    public var message: String

    public init(_ reason: ReasonCode, field: String, value: String, message: String) {
        self.reason = reason
        self.field = field
        self.value = field.hasSuffix("debtor_nik") ? Masking.nik(value) : value
        self.message = message
    }
}

/// A line of `rejects.csv`.
public struct Reject: Equatable, Sendable {
    public var source: SourceLocation
    public var kind: RecordKind
    public var ref: String
    public var problem: RowProblem

    public init(source: SourceLocation, kind: RecordKind, ref: String, problem: RowProblem) {
        self.source = source
        self.kind = kind
        self.ref = ref
        self.problem = problem
    }
}

/// Personal data kept out of reports.
public enum Masking {
    /// All but the last four characters replaced by `*`.
    public static func nik(_ s: String) -> String {
        let u = Array(s.utf8)
        if u.count <= 4 { return String(repeating: "*", count: u.count) }
        return String(repeating: "*", count: u.count - 4) + String(decoding: u[(u.count - 4)...], as: UTF8.self)
    }
}
