import RekonCore

/// Builds CSV text in a byte buffer: RFC 4180 quoting, and for reports the escaping of cells that a
/// spreadsheet would read as a formula.
public struct CSVLine {
    public enum Mode: Sendable {
        /// Reports for people (breaks, rejects): a cell starting with = + - @ tab or CR gets a leading `'`,
        /// unless it is a plain number such as -5000.
        case report
        /// Data files for machines (canonical, corrections): cells are written as they are.
        case data
    }

    public var bytes: [UInt8] = []
    public let mode: Mode
    private var first = true

    public init(mode: Mode, capacity: Int = 1 << 16) {
        self.mode = mode
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) public mutating func cell(_ s: String) {
        var s = s
        s.withUTF8 { cell(UnsafeRawBufferPointer($0)) }
    }

    public mutating func cell(_ p: UnsafeRawBufferPointer) {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
        var needsQuote = false
        for c in p where c == 44 || c == 34 || c == 10 || c == 13 {
            needsQuote = true
            break
        }
        let formula = mode == .report && p.count > 0 && CSVLine.looksLikeFormula(p)
        if formula { needsQuote = true }
        if !needsQuote {
            bytes.append(contentsOf: p)
            return
        }
        bytes.append(34)
        if formula { bytes.append(UInt8(ascii: "'")) }
        for c in p {
            if c == 34 { bytes.append(34) }
            bytes.append(c)
        }
        bytes.append(34)
    }

    /// A cell from a canonical value.
    @inline(__always) public mutating func cell(_ v: FieldValue) {
        switch v {
        case .text(let s): cell(s)
        default:
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            FieldValues.append(v, to: &bytes)
        }
    }

    public mutating func cells(_ list: [String]) { for s in list { cell(s) } }

    public mutating func endRow() {
        bytes.append(10)
        first = true
    }

    static func looksLikeFormula(_ p: UnsafeRawBufferPointer) -> Bool {
        switch p[0] {
        case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "@"), 9, 13: return true
        case UInt8(ascii: "-"):
            // A plain negative number is data, not a formula.
            if p.count == 1 { return true }
            var dot = false
            for c in p[1...] {
                if c == UInt8(ascii: ".") && !dot {
                    dot = true
                    continue
                }
                if c < 48 || c > 57 { return true }
            }
            return false
        default: return false
        }
    }
}
