import RekonCore
import RekonNative

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

@inline(__always) private func sysClose(_ fd: Int32) -> Int32 { close(fd) }
@inline(__always) private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

/// One row being built into a reused buffer. For CSV the buffer is the line itself: fields are
/// separated as they are closed and quoted in place when they need it; for XML the fields are kept
/// bare and the encoder wraps each in its element.
struct FieldRow {
    var bytes = RawBytes(capacity: 2_048)
    let csv: Bool
    private let starts: UnsafeMutablePointer<Int>
    private let ends: UnsafeMutablePointer<Int>
    private let capacity = 64
    private(set) var count = 0
    private var fieldStart = 0
    /// CSV: line breaks inside quoted fields of the row.
    private(set) var lineBreaks = 0
    /// The next `closeText()` leaves its field unquoted (a deliberately broken CSV row).
    var verbatim = false

    init(csv: Bool) {
        self.csv = csv
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
    }

    func free() {
        bytes.free()
        starts.deallocate()
        ends.deallocate()
    }

    @inline(__always) mutating func reset() {
        bytes.removeAll()
        count = 0
        fieldStart = 0
        lineBreaks = 0
        verbatim = false
    }

    /// Ends a field that never holds a comma, quote or line break (codes, numbers, dates).
    @inline(__always) mutating func close() {
        precondition(count < capacity)
        starts[count] = fieldStart
        ends[count] = bytes.count
        count += 1
        if csv { bytes.byte(44) }
        fieldStart = bytes.count
    }

    /// Ends a free-text field: in CSV it is quoted when it holds a comma, quote or line break (RFC 4180).
    @inline(__always) mutating func closeText() {
        if csv && !verbatim { quoteIfNeeded() }
        verbatim = false
        close()
    }

    private mutating func quoteIfNeeded() {
        let s = fieldStart
        let e = bytes.count
        var special = false
        var quotes = 0
        var breaks = 0
        var j = s
        while j < e {
            switch bytes.base[j] {
            case 44, 13: special = true
            case 10:
                special = true
                breaks += 1
            case 34:
                special = true
                quotes += 1
            default: break
            }
            j += 1
        }
        guard special else { return }
        let grown = e - s + 2 + quotes
        bytes.reserve(grown - (e - s))
        let b = bytes.base
        if quotes == 0 {
            // The common case (an address with commas): shift by one and put the quotes around.
            memmove(b + s + 1, b + s, e - s)
            b[s] = 34
            b[e + 1] = 34
            bytes.count = e + 2
            lineBreaks += breaks
            return
        }
        // Shift right from the end, doubling quotes, then put the quotes around.
        var d = s + grown - 1
        b[d] = 34
        d -= 1
        j = e - 1
        while j >= s {
            let c = b[j]
            b[d] = c
            d -= 1
            if c == 34 {
                b[d] = 34
                d -= 1
            }
            j -= 1
        }
        b[d] = 34
        bytes.count = s + grown
        lineBreaks += breaks
    }

    @inline(__always) mutating func field(_ l: Lit) {
        bytes.append(l)
        close()
    }

    @inline(__always) mutating func empty() { close() }

    @inline(__always) mutating func int(_ v: Int64) {
        bytes.digits(v)
        close()
    }

    @inline(__always) mutating func day(_ d: Day) {
        bytes.iso(d)
        close()
    }

    @inline(__always) mutating func day(_ c: (year: Int, month: Int, day: Int)) {
        bytes.iso(c)
        close()
    }

    @inline(__always) func start(_ k: Int) -> Int { starts[k] }
    @inline(__always) func end(_ k: Int) -> Int { ends[k] }
}

/// RFC 4180 CSV: comma, LF, a field quoted only when it holds a comma, quote or line break, inner quotes doubled.
enum CSVEncoder {
    static func header(_ names: [String], to out: inout RawBytes) {
        for (k, n) in names.enumerated() {
            if k > 0 { out.byte(44) }
            out.append(n)
        }
        out.byte(10)
    }

    /// Appends the row (built in CSV mode) and its LF; returns the lines it takes.
    @inline(__always) static func append(_ row: FieldRow, to out: inout RawBytes) -> Int {
        precondition(row.csv && row.count > 0)
        out.append(row.bytes.base, row.bytes.count - 1)  // without the last separator
        out.byte(10)
        return 1 + row.lineBreaks
    }
}

/// The standard XML drop (`rekon-drop.xsd`): one element per field, text escaped.
enum XMLEncoder {
    static let amp = Lit("&amp;"), lt = Lit("&lt;"), gt = Lit("&gt;")
    static let open = Lit("    <"), endClose = Lit("</")

    /// Appends bytes with &, < and > escaped; returns the line breaks among them.
    static func escape(_ p: UnsafePointer<UInt8>, _ n: Int, to out: inout RawBytes) -> Int {
        var lines = 0
        for j in 0..<n {
            switch p[j] {
            case 38: out.append(amp)
            case 60: out.append(lt)
            case 62: out.append(gt)
            case 10:
                lines += 1
                out.byte(10)
            case let c: out.byte(c)
            }
        }
        return lines
    }

    /// `    <Policy><policy_ref>…</policy_ref>…</Policy>` on one line; returns the lines written. One record a
    /// line keeps line numbers small: libxml2 keeps exact element lines only up to 65534.
    static func appendRecord(_ row: FieldRow, element: Lit, names: [Lit], to out: inout RawBytes) -> Int {
        var lines = 1
        out.append(open)
        out.append(element)
        out.byte(62)
        for k in 0..<row.count {
            out.byte(60)
            out.append(names[k])
            out.byte(62)
            lines += escape(row.bytes.base + row.start(k), row.end(k) - row.start(k), to: &out)
            out.append(endClose)
            out.append(names[k])
            out.byte(62)
        }
        out.append(endClose)
        out.append(element)
        out.byte(62)
        out.byte(10)
        return lines
    }
}

/// A file opened for writing (truncated), written with write(2).
final class FileSink {
    let path: String
    private var fd: Int32

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw WorldError.io(path: path, message: FileSink.lastError()) }
    }

    deinit { if fd >= 0 { _ = sysClose(fd) } }

    static func lastError() -> String { String(cString: strerror(errno)) }

    func write(_ p: UnsafeRawBufferPointer) throws {
        guard var base = p.baseAddress else { return }
        var left = p.count
        while left > 0 {
            let n = sysWrite(fd, base, left)
            if n < 0 {
                if errno == EINTR { continue }
                throw WorldError.io(path: path, message: FileSink.lastError())
            }
            base += n
            left -= n
        }
    }

    func close() throws {
        guard fd >= 0 else { return }
        let rc = sysClose(fd)
        fd = -1
        if rc != 0 { throw WorldError.io(path: path, message: FileSink.lastError()) }
    }
}

/// A buffered output file, plain or gzip: rows are appended to `buffer`, which goes out in ≥ 1 MiB writes.
final class ByteOutput {
    static let chunk = 1 << 20
    var buffer = RawBytes(capacity: ByteOutput.chunk + 64 * 1_024)
    let file: FileSink
    let gzip: GzipEncoder?

    init(path: String, gzip compressed: Bool) throws {
        let file = try FileSink(path: path)
        self.file = file
        gzip = compressed ? try GzipEncoder(level: 6) { try file.write($0) } : nil
    }

    deinit { buffer.free() }

    @inline(__always) func flushIfFull() throws {
        if buffer.count >= ByteOutput.chunk { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        if let gzip { try gzip.write(buffer.raw) } else { try file.write(buffer.raw) }
        buffer.removeAll()
    }

    /// Writes what is left, ends the gzip stream and closes the file.
    func finish() throws {
        try flush()
        try gzip?.finish()
        try file.close()
    }
}
