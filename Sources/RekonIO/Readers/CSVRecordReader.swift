import RekonCore
import RekonNative

/// One CSV record as the reader hands it out: byte ranges into the reader's buffer, valid only
/// inside the callback.
public struct CSVRecordView {
    public let base: UnsafePointer<UInt8>
    public let fields: CSVFields
    public let line: Int
    let scanner: CSVScanner

    public var count: Int { fields.count }

    /// Calls `body` with field `i`'s bytes (doubled quotes undone through `scratch`).
    @inline(__always)
    public func withField<R>(_ i: Int, scratch: inout [UInt8], _ body: (UnsafeRawBufferPointer) -> R) -> R {
        scanner.withField(base, fields, i, scratch: &scratch, body)
    }

    public func string(_ i: Int, scratch: inout [UInt8]) -> String {
        withField(i, scratch: &scratch) { String(decoding: $0, as: UTF8.self) }
    }
}

/// What the reader found: a record, or a row it could not split into fields.
public enum CSVReadEvent {
    case record(CSVRecordView)
    case malformed(line: Int, reason: CSVMalformation)
}

/// Streams a CSV source in large chunks through the byte-level scanner. Memory is the chunk plus the
/// longest record (records over `maxRecordBytes` are reported malformed and skipped).
public final class CSVRecordReader {
    private let source: any ByteSource
    private let scanner: CSVScanner
    private let maxRecordBytes: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var fields = CSVFields()

    public init(source: any ByteSource, dialect: CSVDialect, chunkBytes: Int = 1 << 20, maxRecordBytes: Int = 1 << 20) {
        self.source = source
        self.scanner = CSVScanner(dialect: dialect)
        self.maxRecordBytes = maxRecordBytes
        self.capacity = chunkBytes
        self.buffer = .allocate(capacity: chunkBytes)
    }

    deinit { buffer.deallocate() }

    /// Calls `body` for every record and malformed row, in order. Blank lines are skipped; a UTF-8 BOM
    /// at the start is dropped.
    public func forEach(_ body: (CSVReadEvent) throws -> Void) throws {
        var start = 0
        var end = 0
        var atEnd = false
        var line = 1
        var bomChecked = false
        /// Dropping an over-long record with no line break in sight: discard bytes up to the next LF.
        var skipping = false
        while true {
            // Refill: keep the unfinished record at the front, read on behind it.
            if start > 0 {
                if end > start { buffer.update(from: buffer + start, count: end - start) }
                end -= start
                start = 0
            }
            if end == capacity {
                if capacity >= maxRecordBytes {
                    try body(.malformed(line: line, reason: .recordTooLong))
                    line += 1
                    if let next = lineEnd(from: 0, end: end) {
                        start = next
                    } else {
                        end = 0
                        skipping = true
                    }
                    continue
                }
                grow()
            }
            let n = try source.read(into: UnsafeMutableRawBufferPointer(start: buffer + end, count: capacity - end))
            if n == 0 { atEnd = true } else { end += n }
            if skipping {
                if let next = lineEnd(from: 0, end: end) {
                    start = next
                    skipping = false
                } else {
                    end = 0
                }
                if atEnd { return }
                continue
            }
            if !bomChecked {
                if end < 3 && !atEnd { continue }
                if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { start = 3 }
                bomChecked = true
            }
            // Hand out every whole record in the buffer.
            scanning: while start < end {
                switch scanner.scan(UnsafePointer(buffer), start: start, end: end, atEnd: atEnd, into: &fields) {
                case .record(let next, let lines):
                    if !fields.isBlankLine {
                        try body(
                            .record(
                                CSVRecordView(base: UnsafePointer(buffer), fields: fields, line: line, scanner: scanner)
                            ))
                    }
                    line += lines
                    start = next
                case .malformed(let next, let lines, let reason):
                    try body(.malformed(line: line, reason: reason))
                    line += lines
                    start = next
                case .incomplete:
                    break scanning
                }
            }
            if atEnd { return }
        }
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
        bigger.update(from: buffer, count: capacity)
        buffer.deallocate()
        buffer = bigger
        capacity *= 2
    }

    private func lineEnd(from: Int, end: Int) -> Int? {
        var i = from
        while i < end {
            if buffer[i] == 10 { return i + 1 }
            i += 1
        }
        return nil
    }
}
