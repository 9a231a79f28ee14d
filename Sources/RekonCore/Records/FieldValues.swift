/// One parsed canonical value.
public enum FieldValue: Equatable, Sendable {
    case absent
    case text(String)
    case int(Int64)
    case day(Day)
    case rate(Rate)
    case list([String])

    public var isAbsent: Bool { if case .absent = self { return true } else { return false } }
}

/// Where a row came from: the input's index in the run and its first line.
public struct SourceLocation: Hashable, Sendable {
    public var file: Int32
    public var line: Int32
    public init(file: Int, line: Int) {
        self.file = Int32(file)
        self.line = Int32(line)
    }
}

/// A row's canonical values in catalogue order, with typed access by field.
public struct FieldValues: Equatable, Sendable {
    public var values: [FieldValue]

    public init(count: Int) { values = Array(repeating: .absent, count: count) }

    @inlinable public subscript(_ i: Int) -> FieldValue {
        get { values[i] }
        set { values[i] = newValue }
    }

    @inlinable public func text(_ i: Int) -> String? {
        if case .text(let s) = values[i] { return s }
        return nil
    }
    @inlinable public func int(_ i: Int) -> Int64? {
        if case .int(let v) = values[i] { return v }
        return nil
    }
    @inlinable public func day(_ i: Int) -> Day? {
        if case .day(let v) = values[i] { return v }
        return nil
    }
    @inlinable public func rate(_ i: Int) -> Rate? {
        if case .rate(let v) = values[i] { return v }
        return nil
    }
    @inlinable public func list(_ i: Int) -> [String]? {
        if case .list(let v) = values[i] { return v }
        return nil
    }

    /// The canonical text of a value: ISO dates, plain integers, shortest rates, `;`-joined lists.
    public static func append(_ v: FieldValue, to out: inout [UInt8]) {
        switch v {
        case .absent: break
        case .text(let s): out.append(contentsOf: s.utf8)
        case .int(let i): Digits.append(i, to: &out)
        case .day(let d): d.appendISO(to: &out)
        case .rate(let r): FixedPoint.append(r.micros, scale: 6, to: &out)
        case .list(let l):
            for (k, s) in l.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ";")) }
                out.append(contentsOf: s.utf8)
            }
        }
    }

    public static func string(_ v: FieldValue) -> String {
        var out: [UInt8] = []
        append(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}
