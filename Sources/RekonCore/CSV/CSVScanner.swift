/// The delimiter and quote of a CSV dialect (RFC 4180 when `,` and `"`).
public struct CSVDialect: Hashable, Sendable {
    public var delimiter: UInt8
    public var quote: UInt8
    public init(delimiter: UInt8 = UInt8(ascii: ","), quote: UInt8 = UInt8(ascii: "\"")) {
        self.delimiter = delimiter
        self.quote = quote
    }
}

/// The fields of one scanned record as byte ranges into the scanned buffer; reused from record to
/// record. Copies share one buffer (it belongs to the reader that scans with it).
public struct CSVFields {
    /// Field start and end offsets, and whether the field still holds doubled quotes, in raw buffers:
    /// appending a field is a store, with no array bookkeeping on the hot path.
    final class Storage {
        var starts: UnsafeMutablePointer<Int>
        var ends: UnsafeMutablePointer<Int>
        var escaped: UnsafeMutablePointer<Bool>
        var capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            starts = .allocate(capacity: capacity)
            ends = .allocate(capacity: capacity)
            escaped = .allocate(capacity: capacity)
        }

        deinit {
            starts.deallocate()
            ends.deallocate()
            escaped.deallocate()
        }

        func grow() {
            let c = capacity * 2
            let s = UnsafeMutablePointer<Int>.allocate(capacity: c)
            let e = UnsafeMutablePointer<Int>.allocate(capacity: c)
            let x = UnsafeMutablePointer<Bool>.allocate(capacity: c)
            s.update(from: starts, count: count)
            e.update(from: ends, count: count)
            x.update(from: escaped, count: count)
            starts.deallocate()
            ends.deallocate()
            escaped.deallocate()
            starts = s
            ends = e
            escaped = x
            capacity = c
        }
    }

    let storage = Storage(capacity: 64)

    public init() {}

    public var count: Int { storage.count }
    @inline(__always) public func start(_ i: Int) -> Int { storage.starts[i] }
    @inline(__always) public func end(_ i: Int) -> Int { storage.ends[i] }
    /// A field whose bytes still hold doubled quotes (`""`) that must be unescaped when read.
    @inline(__always) public func isEscaped(_ i: Int) -> Bool { storage.escaped[i] }

    @inline(__always) mutating func reset() { storage.count = 0 }

    @inline(__always) mutating func append(_ s: Int, _ e: Int, _ esc: Bool) {
        let st = storage
        if st.count == st.capacity { st.grow() }
        st.starts[st.count] = s
        st.ends[st.count] = e
        st.escaped[st.count] = esc
        st.count += 1
    }

    /// True for a line with nothing on it (one empty, unquoted field).
    public var isBlankLine: Bool { storage.count == 1 && storage.starts[0] == storage.ends[0] }
}

/// What scanning one record found.
public enum CSVScanResult: Equatable {
    /// A whole record; `next` is where the following record starts, `lines` the line breaks consumed.
    case record(next: Int, lines: Int)
    /// The buffer ends inside the record: give more bytes (or the final bytes with `atEnd`).
    case incomplete
    /// The record is malformed; scanning resumes at `next`, `lines` later.
    case malformed(next: Int, lines: Int, reason: CSVMalformation)
}

public enum CSVMalformation: String, Sendable {
    case unterminatedQuote = "a quoted field is never closed"
    case textAfterClosingQuote = "text follows a closing quote"
    case recordTooLong = "the record is longer than the limit"
}

/// An RFC 4180 record scanner over bytes: quoted delimiters, doubled quotes, newlines inside quotes,
/// LF, CRLF or CR line ends, and a missing final newline. It neither copies nor decodes.
public struct CSVScanner {
    public let dialect: CSVDialect

    public init(dialect: CSVDialect) { self.dialect = dialect }

    private static let lf: UInt8 = 10
    private static let cr: UInt8 = 13

    /// Scans the record starting at `start`; `end` is the end of the valid bytes and `atEnd` says no more follow.
    public func scan(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, atEnd: Bool, into fields: inout CSVFields
    ) -> CSVScanResult {
        let delim = dialect.delimiter
        let quote = dialect.quote
        let lf = CSVScanner.lf
        let cr = CSVScanner.cr
        fields.reset()
        var i = start
        var lines = 0
        while true {
            // At the start of a field.
            if i == end {
                if !atEnd { return .incomplete }
                fields.append(i, i, false)
                return .record(next: i, lines: lines)
            }
            if base[i] == quote {
                i += 1
                let fieldStart = i
                var esc = false
                while true {
                    while i < end {
                        let c = base[i]
                        if c == quote { break }
                        if c == lf { lines += 1 }
                        i += 1
                    }
                    if i == end {
                        if !atEnd { return .incomplete }
                        return resync(base, start: start, end: end, reason: .unterminatedQuote)
                    }
                    if i + 1 == end {
                        if !atEnd { return .incomplete }
                        fields.append(fieldStart, i, esc)
                        return .record(next: end, lines: lines)
                    }
                    if base[i + 1] == quote {
                        esc = true
                        i += 2
                        continue
                    }
                    break
                }
                fields.append(fieldStart, i, esc)
                i += 1
                let c = base[i]
                if c == delim {
                    i += 1
                    continue
                }
                if c == lf { return .record(next: i + 1, lines: lines + 1) }
                if c == cr { return endAtCR(base, i, end, atEnd, lines) }
                return resync(base, start: i, end: end, reason: .textAfterClosingQuote, lines: lines, atEnd: atEnd)
            } else {
                let fieldStart = i
                var c: UInt8 = 0
                while i < end {
                    c = base[i]
                    if c == delim || c == lf || c == cr { break }
                    i += 1
                }
                if i == end {
                    if !atEnd { return .incomplete }
                    fields.append(fieldStart, i, false)
                    return .record(next: i, lines: lines)
                }
                fields.append(fieldStart, i, false)
                if c == delim {
                    i += 1
                    continue
                }
                if c == lf { return .record(next: i + 1, lines: lines + 1) }
                return endAtCR(base, i, end, atEnd, lines)
            }
        }
    }

    @inline(__always)
    private func endAtCR(_ base: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ atEnd: Bool, _ lines: Int)
        -> CSVScanResult
    {
        if i + 1 == end {
            if !atEnd { return .incomplete }
            return .record(next: end, lines: lines + 1)
        }
        return .record(next: base[i + 1] == CSVScanner.lf ? i + 2 : i + 1, lines: lines + 1)
    }

    /// After text follows a closing quote: the record ends at the next line break.
    private func resync(
        _ base: UnsafePointer<UInt8>, start: Int, end: Int, reason: CSVMalformation, lines: Int, atEnd: Bool
    ) -> CSVScanResult {
        var i = start
        while i < end && base[i] != CSVScanner.lf { i += 1 }
        if i == end { return atEnd ? .malformed(next: end, lines: lines, reason: reason) : .incomplete }
        return .malformed(next: i + 1, lines: lines + 1, reason: reason)
    }

    /// An unterminated quote: report the record's first line and resume on the line after it, so the rows
    /// that follow are not swallowed by one bad quote.
    public func resync(_ base: UnsafePointer<UInt8>, start: Int, end: Int, reason: CSVMalformation) -> CSVScanResult {
        var i = start
        while i < end && base[i] != CSVScanner.lf && base[i] != CSVScanner.cr { i += 1 }
        if i == end { return .malformed(next: end, lines: 0, reason: reason) }
        let next = (base[i] == CSVScanner.cr && i + 1 < end && base[i + 1] == CSVScanner.lf) ? i + 2 : i + 1
        return .malformed(next: next, lines: 1, reason: reason)
    }

    /// Calls `body` with a field's bytes, unescaping doubled quotes through `scratch` when needed.
    @inline(__always)
    public func withField<R>(
        _ base: UnsafePointer<UInt8>, _ fields: CSVFields, _ index: Int, scratch: inout [UInt8],
        _ body: (UnsafeRawBufferPointer) -> R
    ) -> R {
        let s = fields.start(index)
        let e = fields.end(index)
        if !fields.isEscaped(index) {
            return body(UnsafeRawBufferPointer(start: base + s, count: e - s))
        }
        scratch.removeAll(keepingCapacity: true)
        var i = s
        while i < e {
            let c = base[i]
            scratch.append(c)
            i += (c == dialect.quote && i + 1 < e && base[i + 1] == dialect.quote) ? 2 : 1
        }
        return scratch.withUnsafeBytes { body($0) }
    }
}
