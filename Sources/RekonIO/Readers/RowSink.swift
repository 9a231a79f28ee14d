import RekonCore

/// How a canonical field is filled from a row.
enum Binding: Sendable {
    case slot(Int)
    case constant([UInt8])
    case none
}

/// Validates and normalises the rows of one profile into records and rejects.
final class RowSink {
    let kind: RecordKind
    let profile: Profile
    let decoder: RowDecoder
    let rules: RowRules
    let fileIndex: Int
    var bindings: [Binding]
    var part: FilePart
    var values: FieldValues
    var problems: [RowProblem] = []
    var records: [Record] = []
    var rejects: [Reject] = []
    var rejectedKeys: [PolicyKey] = []
    let sumFields: [Int]
    var sums: [Int64]

    init(profile: Profile, rules: RowRules, fileIndex: Int, bindings: [Binding]) {
        self.kind = profile.kind
        self.profile = profile
        self.decoder = profile.rowDecoder()
        self.rules = rules
        self.fileIndex = fileIndex
        self.bindings = bindings
        self.part = FilePart(kind: profile.kind, profile: profile.name)
        self.values = FieldValues(kind: profile.kind)
        let names = profile.kind.fields.map(\.name)
        switch profile.trailer {
        case .csv(_, _, let s)?: sumFields = s.map { names.firstIndex(of: $0.field)! }
        case .xml(_, _, let s)?: sumFields = s.map { names.firstIndex(of: $0.field)! }
        case nil: sumFields = []
        }
        sums = Array(repeating: 0, count: sumFields.count)
        records.reserveCapacity(1 << 12)
    }

    /// One data row: `raw(slot, body)` gives a slot's bytes (nil when absent).
    @inline(__always)
    func accept(line: Int, _ raw: (Int, (UnsafeRawBufferPointer?) -> Void) -> Void) {
        part.rows += 1
        problems.removeAll(keepingCapacity: true)
        values.reset()
        for i in 0..<bindings.count {
            switch bindings[i] {
            case .slot(let s): raw(s) { decoder.decode(i, $0, into: &values, problems: &problems) }
            case .constant(let c): c.withUnsafeBytes { decoder.decode(i, $0, into: &values, problems: &problems) }
            case .none: decoder.decode(i, nil, into: &values, problems: &problems)
            }
        }
        for (k, f) in sumFields.enumerated() { if let v = values.int(f) { sums[k] &+= v } }
        if problems.isEmpty { rules.check(kind, &values, problems: &problems) }
        let source = SourceLocation(file: fileIndex, line: line)
        if problems.isEmpty {
            part.accepted += 1
            records.append(Record(values: values.compacted(), source: source))
            return
        }
        reject(source: source, problems)
    }

    func reject(source: SourceLocation, _ ps: [RowProblem]) {
        part.rejected += 1
        let ref = values.text(0) ?? ""
        for p in ps { rejects.append(Reject(source: source, kind: kind, ref: ref, problem: p)) }
        if kind == .policy, let bank = values.text(PolicyField.bank_code.rawValue),
            let r = values.text(PolicyField.policy_ref.rawValue)
        {
            rejectedKeys.append(PolicyKey(bank: bank, ref: r))
        }
        if kind == .claim, let bank = values.text(ClaimField.bank_code.rawValue),
            let r = values.text(ClaimField.claim_ref.rawValue)
        {
            rejectedKeys.append(PolicyKey(bank: bank, ref: r))
        }
    }

    /// A row that could not be split into fields.
    func malformed(line: Int, message: String, ref: String? = nil) {
        part.rows += 1
        values.reset()
        if let ref { values.setText(0, ref) }
        reject(
            source: SourceLocation(file: fileIndex, line: line),
            [RowProblem(.BAD_ROW, field: "", value: "", message: message)])
    }

    func control(declaredRows: Int64, declaredSums: [Int64]) -> ControlTotals {
        var out = ControlTotals(declaredRows: declaredRows, countedRows: Int64(part.rows), sums: [])
        let names = kind.fields.map(\.name)
        for (k, f) in sumFields.enumerated() {
            out.sums.append(.init(field: names[f], declared: declaredSums[k], counted: sums[k]))
        }
        return out
    }
}
