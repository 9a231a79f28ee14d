/// One parsed canonical value, the typed view of a field.
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

/// A row's canonical values, stored compactly as their canonical text (ISO dates, plain integers,
/// shortest rates, `;`-joined lists) in one byte buffer: a (start, length) pair of UInt16 per field,
/// then the text. An empty field is absent. Typed getters parse on demand; a row costs one allocation.
public struct FieldValues: Equatable, Sendable {
    public let kind: RecordKind
    public let count: Int
    @usableFromInline var storage: [UInt8]

    /// The most text one row may hold.
    public static let maxTextBytes = 65_535 - 4 * 64

    public init(kind: RecordKind) {
        self.kind = kind
        self.count = kind.fields.count
        storage = [UInt8](repeating: 0, count: 4 * count)
        storage.reserveCapacity(4 * count + 512)
    }

    @inlinable var header: Int { 4 * count }

    /// Forgets every value, keeping the buffer's capacity.
    public mutating func reset() {
        storage.removeSubrange(header...)
        for i in 0..<header { storage[i] = 0 }
    }

    /// A copy whose buffer is exactly as large as its contents.
    public func compacted() -> FieldValues {
        var c = self
        let n = storage.count
        c.storage = storage.withUnsafeBufferPointer { src in
            [UInt8](unsafeUninitializedCapacity: n) { dst, count in
                _ = dst.initialize(from: src)
                count = n
            }
        }
        return c
    }

    public var textBytes: Int { storage.count - header }

    @inlinable func span(_ i: Int) -> (start: Int, count: Int) {
        let o = 4 * i
        return (Int(storage[o]) | Int(storage[o + 1]) << 8, Int(storage[o + 2]) | Int(storage[o + 3]) << 8)
    }

    /// Calls `body` with field `i`'s canonical bytes (empty when absent).
    @inlinable public func withBytes<R>(_ i: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let (s, n) = span(i)
        return storage.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[(header + s)..<(header + s + n)])) }
    }

    @inlinable public func isAbsent(_ i: Int) -> Bool { span(i).count == 0 }

    /// Sets field `i` to these canonical bytes (empty makes it absent).
    public mutating func setBytes(_ i: Int, _ p: UnsafeRawBufferPointer) {
        let start = storage.count - header
        let o = 4 * i
        guard p.count > 0, start + p.count <= FieldValues.maxTextBytes else {
            storage[o] = 0
            storage[o + 1] = 0
            storage[o + 2] = 0
            storage[o + 3] = 0
            return
        }
        storage.append(contentsOf: p)
        storage[o] = UInt8(start & 0xFF)
        storage[o + 1] = UInt8(start >> 8)
        storage[o + 2] = UInt8(p.count & 0xFF)
        storage[o + 3] = UInt8(p.count >> 8)
    }

    /// Sets field `i` to what `write` appends (nothing makes it absent).
    @inlinable public mutating func setField(_ i: Int, _ write: (inout [UInt8]) -> Void) {
        let start = storage.count
        write(&storage)
        let n = storage.count - start
        let rel = start - header
        let o = 4 * i
        if n == 0 || rel + n > FieldValues.maxTextBytes {
            storage.removeSubrange(start...)
            storage[o] = 0
            storage[o + 1] = 0
            storage[o + 2] = 0
            storage[o + 3] = 0
            return
        }
        storage[o] = UInt8(rel & 0xFF)
        storage[o + 1] = UInt8(rel >> 8)
        storage[o + 2] = UInt8(n & 0xFF)
        storage[o + 3] = UInt8(n >> 8)
    }

    public mutating func setBytes(_ i: Int, _ b: [UInt8]) { b.withUnsafeBytes { setBytes(i, $0) } }

    public mutating func setText(_ i: Int, _ s: String) {
        var s = s
        s.withUTF8 { setBytes(i, UnsafeRawBufferPointer($0)) }
    }

    @inlinable public func text(_ i: Int) -> String? {
        let (_, n) = span(i)
        if n == 0 { return nil }
        return withBytes(i) { String(decoding: $0, as: UTF8.self) }
    }

    @inlinable public func int(_ i: Int) -> Int64? {
        withBytes(i) { p -> Int64? in
            if p.count == 0 { return nil }
            var neg = false
            var k = 0
            var v: Int64 = 0
            if p[0] == 45 {
                neg = true
                k = 1
            }
            while k < p.count {
                v = v &* 10 &+ Int64(p[k] &- 48)
                k += 1
            }
            return neg ? -v : v
        }
    }

    @inlinable public func day(_ i: Int) -> Day? {
        withBytes(i) { $0.count == 0 ? nil : DatePattern.iso.parse($0) }
    }

    public func rate(_ i: Int) -> Rate? {
        withBytes(i) { $0.count == 0 ? nil : NumberFormat.standard.parseRate($0) }
    }

    public func list(_ i: Int) -> [String]? {
        guard let t = text(i) else { return nil }
        return RowDecoder.splitCodes(t)
    }

    /// The typed value of field `i`, by its catalogue type; setting formats the canonical text.
    public subscript(_ i: Int) -> FieldValue {
        get {
            if isAbsent(i) { return .absent }
            switch kind.fields[i].type {
            case .text, .identifier, .code, .nik: return .text(text(i)!)
            case .date: return day(i).map(FieldValue.day) ?? .absent
            case .amount, .months: return .int(int(i)!)
            case .rate: return rate(i).map(FieldValue.rate) ?? .absent
            case .codeList: return .list(list(i)!)
            }
        }
        set {
            var out: [UInt8] = []
            FieldValues.append(newValue, to: &out)
            setBytes(i, out)
        }
    }

    public static func == (a: FieldValues, b: FieldValues) -> Bool {
        guard a.kind == b.kind else { return false }
        for i in 0..<a.count where !a.withBytes(i, { x in b.withBytes(i) { y in Bytes.equal(x, y) } }) { return false }
        return true
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

/// Byte comparisons without the generic Sequence path.
public enum Bytes {
    @inlinable public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        if a.count == 0 { return true }
        return memcmpBytes(a.baseAddress!, b.baseAddress!, a.count)
    }

    @inlinable static func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }
}
