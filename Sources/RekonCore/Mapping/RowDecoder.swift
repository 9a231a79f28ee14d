/// Turns the raw bytes of one row's fields into typed canonical values, collecting a problem per bad field.
/// One decoder serves every row of one file; it keeps no per-row state beyond the row it is given.
public struct RowDecoder: Sendable {
    public let kind: RecordKind
    public let specs: [FieldSpec]
    public let encoding: TextEncoding
    public let numbers: NumberFormat
    /// Per canonical field: its date layout and its code map.
    public let datePatterns: [DatePattern]
    public let maps: [[String: String]?]

    public init(kind: RecordKind, encoding: TextEncoding, numbers: NumberFormat, datePatterns: [DatePattern],
                maps: [[String: String]?]) {
        self.kind = kind
        self.specs = kind.fields
        self.encoding = encoding
        self.numbers = numbers
        self.datePatterns = datePatterns
        self.maps = maps
    }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == 32 || c == 9 }

    @inline(__always) static func trimmed(_ p: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var s = 0, e = p.count
        while s < e && isBlank(p[s]) { s += 1 }
        while e > s && isBlank(p[e - 1]) { e -= 1 }
        if s == 0 && e == p.count { return p }
        return UnsafeRawBufferPointer(rebasing: p[s..<e])
    }

    /// Decodes field `index` from `bytes` (nil when the layout does not carry it) into `row`.
    public func decode(_ index: Int, _ bytes: UnsafeRawBufferPointer?, into row: inout FieldValues,
                       problems: inout [RowProblem]) {
        let spec = specs[index]
        guard let raw = bytes.map(RowDecoder.trimmed), raw.count > 0 else {
            row[index] = .absent
            if spec.required {
                problems.append(RowProblem(.MISSING_FIELD, field: spec.name, value: "", message: "\(spec.name) is required"))
            }
            return
        }
        if let map = maps[index] {
            guard let text = encoding.decode(raw) else {
                return undecodable(index, raw, &row, &problems)
            }
            if let mapped = map[text] {
                var m = mapped
                m.withUTF8 { decodeTyped(index, UnsafeRawBufferPointer($0), .utf8, &row, &problems) }
                return
            }
        }
        decodeTyped(index, raw, encoding, &row, &problems)
    }

    private func undecodable(_ index: Int, _ raw: UnsafeRawBufferPointer, _ row: inout FieldValues,
                             _ problems: inout [RowProblem]) {
        row[index] = .absent
        problems.append(RowProblem(.BAD_ROW, field: specs[index].name, value: String(decoding: raw, as: UTF8.self),
                                   message: "bytes that are not \(encoding.rawValue) text"))
    }

    private func decodeTyped(_ index: Int, _ raw: UnsafeRawBufferPointer, _ enc: TextEncoding,
                             _ row: inout FieldValues, _ problems: inout [RowProblem]) {
        let spec = specs[index]
        if raw.count == 0 {
            row[index] = .absent
            if spec.required {
                problems.append(RowProblem(.MISSING_FIELD, field: spec.name, value: "", message: "\(spec.name) is required"))
            }
            return
        }
        func shown() -> String { enc.decode(raw) ?? String(decoding: raw, as: UTF8.self) }
        switch spec.type {
        case .text:
            guard let s = enc.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            row[index] = .text(s)
        case .identifier:
            guard let s = enc.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            row[index] = .text(RowDecoder.upper(s))
        case .code(let allowed):
            guard let s = enc.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            let u = RowDecoder.upper(s)
            if allowed.contains(u) {
                row[index] = .text(u)
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_CODE, field: spec.name, value: s,
                                           message: "\(spec.name) must be one of \(allowed.joined(separator: ", "))"))
            }
        case .codeList:
            guard let s = enc.decode(raw) else { return undecodable(index, raw, &row, &problems) }
            var items: [String] = []
            for part in RowDecoder.splitCodes(s) where !part.isEmpty { items.append(part) }
            row[index] = .list(items)
        case .nik:
            var ok = raw.count == 16
            if ok { for c in raw where c &- 48 > 9 { ok = false; break } }
            if ok {
                row[index] = .text(String(decoding: raw, as: UTF8.self))
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_NIK, field: spec.name, value: shown(),
                                           message: "a NIK is exactly 16 digits"))
            }
        case .date:
            if let d = datePatterns[index].parse(raw) {
                row[index] = .day(d)
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_DATE, field: spec.name, value: shown(),
                                           message: "\(spec.name) is not a date in the layout \(datePatterns[index].text)"))
            }
        case .amount:
            if let v = numbers.parseAmount(raw), v >= 0 {
                row[index] = .int(v)
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_NUMBER, field: spec.name, value: shown(),
                                           message: "\(spec.name) must be a whole, non-negative rupiah amount"))
            }
        case .months:
            if let v = numbers.parseInteger(raw), v >= 1, v <= 1200 {
                row[index] = .int(v)
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_NUMBER, field: spec.name, value: shown(),
                                           message: "\(spec.name) must be a whole number of months from 1 to 1200"))
            }
        case .rate:
            if let r = numbers.parseRate(raw), r.micros >= 0 {
                row[index] = .rate(r)
            } else {
                row[index] = .absent
                problems.append(RowProblem(.BAD_NUMBER, field: spec.name, value: shown(),
                                           message: "\(spec.name) must be a rate per mille with at most 6 decimals"))
            }
        }
    }

    /// ASCII upper-casing (codes are ASCII; other characters are kept as they are).
    @inline(__always) public static func upper(_ s: String) -> String {
        var needs = false
        for c in s.utf8 where c >= 97 && c <= 122 { needs = true; break }
        if !needs { return s }
        return String(decoding: s.utf8.map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }, as: UTF8.self)
    }

    /// `A; b ;C` → ["A", "B", "C"], without String.split.
    static func splitCodes(_ s: String) -> [String] {
        var out: [String] = []
        var cur: [UInt8] = []
        func flush() {
            var a = 0, b = cur.count
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
