/// Turns the raw bytes of one row's fields into canonical values, collecting a problem per bad field.
/// One decoder serves every row of one file; it keeps no per-row state beyond the row it is given.
/// Text is checked and copied as bytes; a String is made only for a code map or a message.
public struct RowDecoder: Sendable {
    public let kind: RecordKind
    public let specs: [FieldSpec]
    public let encoding: TextEncoding
    public let numbers: NumberFormat
    /// Per canonical field: its date layout and its code map.
    public let datePatterns: [DatePattern]
    public let maps: [[String: String]?]
    /// Per canonical field of a closed code list: the allowed codes as bytes.
    let allowed: [[[UInt8]]]
    /// Per canonical field: whether a row needs it, and whether its date layout is the ISO one (whose
    /// text is already canonical once checked). Kept apart from `specs` so the hot path copies no Strings.
    let required: [Bool]
    /// Per canonical field: the fast path its text may take (see `FastPath`).
    let fast: [FastPath]

    /// Bytes that are already canonical once checked, copied as they are.
    enum FastPath: UInt8, Sendable {
        case none
        /// An ISO date in a field whose layout is ISO.
        case isoDate
        /// Plain digits without a leading zero, in a file without a thousands separator.
        case amount
        /// The same, for months: 1 to 999 (larger tenors take the checked path).
        case months
    }

    public init(
        kind: RecordKind, encoding: TextEncoding, numbers: NumberFormat, datePatterns: [DatePattern],
        maps: [[String: String]?]
    ) {
        self.kind = kind
        self.specs = kind.fields
        self.encoding = encoding
        self.numbers = numbers
        self.datePatterns = datePatterns
        self.maps = maps
        self.allowed = specs.map { spec in
            if case .code(let list) = spec.type { return list.map { Array($0.utf8) } }
            return []
        }
        self.required = specs.map(\.required)
        let plain = numbers.thousands == nil
        self.fast = zip(specs, datePatterns).map { spec, pattern in
            switch spec.type {
            case .date where pattern == DatePattern.iso: return .isoDate
            case .amount where plain: return .amount
            case .months where plain: return .months
            default: return .none
            }
        }
    }

    /// Digits only, without a leading zero (unless the number is 0): already the canonical text.
    @inline(__always) static func isCanonicalInteger(_ p: UnsafeRawBufferPointer) -> Bool {
        if p.count == 0 || p.count > 18 || (p[0] == 48 && p.count > 1) { return false }
        for c in p where c &- 48 > 9 { return false }
        return true
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    /// The bytes without blanks (space, tab) at either end.
    @inline(__always) public static func trimmed(_ p: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0
        var e = p.count
        while s < e && isBlank(p[s]) { s += 1 }
        while e > s && isBlank(p[e - 1]) { e -= 1 }
        if s == 0 && e == p.count { return p }
        return UnsafeRawBufferPointer(rebasing: p[s..<e])
    }

    @inline(__always) static func isASCII(_ p: UnsafeRawBufferPointer) -> Bool {
        for c in p where c >= 0x80 { return false }
        return true
    }

    /// Decodes field `index` from `bytes` (nil when the layout does not carry it) into `row`.
    public func decode(
        _ index: Int, _ bytes: UnsafeRawBufferPointer?, into row: inout FieldValues,
        problems: inout [RowProblem]
    ) {
        guard let raw = bytes.map(RowDecoder.trimmed), raw.count > 0 else {
            row.setField(index) { _ in }
            if required[index] {
                let name = specs[index].name
                problems.append(RowProblem(.MISSING_FIELD, field: name, value: "", message: "\(name) is required"))
            }
            return
        }
        if let map = maps[index] {
            guard let text = encoding.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            if let mapped = map[text] {
                var m = mapped
                m.withUTF8 { decodeTyped(index, UnsafeRawBufferPointer($0), .utf8, &row, &problems) }
                return
            }
        }
        decodeTyped(index, raw, encoding, &row, &problems)
    }

    private func undecodable(
        _ index: Int, _ raw: UnsafeRawBufferPointer, _ row: inout FieldValues,
        _ problems: inout [RowProblem]
    ) {
        row.setField(index) { _ in }
        problems.append(
            RowProblem(
                .BAD_ROW, field: specs[index].name, value: String(decoding: raw, as: UTF8.self),
                message: "bytes that are not \(encoding.rawValue) text"))
    }

    /// Appends the bytes as UTF-8 text (transcoding single-byte encodings); false when undecodable.
    @inline(__always)
    private func appendText(_ raw: UnsafeRawBufferPointer, _ enc: TextEncoding, upper: Bool, to out: inout [UInt8])
        -> Bool
    {
        if RowDecoder.isASCII(raw) {
            if upper {
                for c in raw { out.append(c >= 97 && c <= 122 ? c - 32 : c) }
            } else {
                out.append(contentsOf: raw)
            }
            return true
        }
        guard let s = enc.decode(raw) else { return false }
        out.append(contentsOf: (upper ? RowDecoder.upper(s) : s).utf8)
        return true
    }

    private func decodeTyped(
        _ index: Int, _ raw: UnsafeRawBufferPointer, _ enc: TextEncoding,
        _ row: inout FieldValues, _ problems: inout [RowProblem]
    ) {
        // The common cases first, without touching the field's spec.
        switch fast[index] {
        case .isoDate:
            if DatePattern.iso.isValid(raw) { return row.setBytes(index, raw) }
        case .amount:
            if RowDecoder.isCanonicalInteger(raw) { return row.setBytes(index, raw) }
        case .months:
            if raw.count <= 3 && raw[0] != 48 && RowDecoder.isCanonicalInteger(raw) { return row.setBytes(index, raw) }
        case .none: break
        }
        let spec = specs[index]
        if raw.count == 0 {
            row.setField(index) { _ in }
            if spec.required {
                problems.append(
                    RowProblem(.MISSING_FIELD, field: spec.name, value: "", message: "\(spec.name) is required"))
            }
            return
        }
        func shown() -> String { enc.decode(raw) ?? String(decoding: raw, as: UTF8.self) }
        func bad(_ reason: ReasonCode, _ message: String) {
            row.setField(index) { _ in }
            problems.append(RowProblem(reason, field: spec.name, value: shown(), message: message))
        }
        var ok = true
        switch spec.type {
        case .text:
            row.setField(index) { ok = appendText(raw, enc, upper: false, to: &$0) }
            if !ok { undecodable(index, raw, &row, &problems) }
        case .identifier:
            row.setField(index) { ok = appendText(raw, enc, upper: true, to: &$0) }
            if !ok { undecodable(index, raw, &row, &problems) }
        case .code:
            var found = -1
            if raw.count <= 32 && RowDecoder.isASCII(raw) {
                withUnsafeTemporaryAllocation(of: UInt8.self, capacity: raw.count) { u in
                    for k in 0..<raw.count {
                        let c = raw[k]
                        u[k] = c >= 97 && c <= 122 ? c - 32 : c
                    }
                    found = allowed[index].firstIndex { $0.elementsEqual(u) } ?? -1
                }
            }
            if found >= 0 {
                row.setField(index) { $0.append(contentsOf: allowed[index][found]) }
            } else if enc.decode(raw) == nil {
                undecodable(index, raw, &row, &problems)
            } else if case .code(let list) = spec.type {
                bad(.BAD_CODE, "\(spec.name) must be one of \(list.joined(separator: ", "))")
            }
        case .codeList:
            guard let s = enc.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            let items = RowDecoder.splitCodes(s).filter { !$0.isEmpty }
            row[index] = items.isEmpty ? .absent : .list(items)
        case .nik:
            var digits = raw.count == 16
            if digits {
                for c in raw where c &- 48 > 9 {
                    digits = false
                    break
                }
            }
            if digits {
                row.setBytes(index, raw)
            } else {
                bad(.BAD_NIK, "a NIK is exactly 16 digits")
            }
        case .date:
            if let d = datePatterns[index].parse(raw) {
                row.setField(index) { d.appendISO(to: &$0) }
            } else {
                bad(.BAD_DATE, "\(spec.name) is not a date in the layout \(datePatterns[index].text)")
            }
        case .amount:
            if let v = numbers.parseAmount(raw), v >= 0 {
                row.setField(index) { Digits.append(v, to: &$0) }
            } else {
                bad(.BAD_NUMBER, "\(spec.name) must be a whole, non-negative rupiah amount")
            }
        case .months:
            if let v = numbers.parseInteger(raw), v >= 1, v <= 1200 {
                row.setField(index) { Digits.append(v, to: &$0) }
            } else {
                bad(.BAD_NUMBER, "\(spec.name) must be a whole number of months from 1 to 1200")
            }
        case .rate:
            if let r = numbers.parseRate(raw), r.micros >= 0 {
                row.setField(index) { FixedPoint.append(r.micros, scale: 6, to: &$0) }
            } else {
                bad(.BAD_NUMBER, "\(spec.name) must be a rate per mille with at most 6 decimals")
            }
        }
    }

    /// ASCII upper-casing (codes are ASCII; other characters are kept as they are).
    @inline(__always) public static func upper(_ s: String) -> String {
        var needs = false
        for c in s.utf8 where c >= 97 && c <= 122 {
            needs = true
            break
        }
        if !needs { return s }
        return String(decoding: s.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// `A; b ;C` → ["A", "B", "C"], without String.split.
    static func splitCodes(_ s: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        func flush() {
            var a = 0
            var b = cur.count
            while a < b && isBlank(cur[a]) { a += 1 }
            while b > a && isBlank(cur[b - 1]) { b -= 1 }
            out.append(upper(String(decoding: cur[a..<b], as: UTF8.self)))
            cur.removeAll(keepingCapacity: true)
        }
        for c in s.utf8 {
            if c == UInt8(ascii: ";") { flush() } else { cur.append(c) }
        }
        flush()
        return out
    }
}
