/// Scans the raw bytes of a document's prolog before libxml2 sees them and reports where a
/// `<!DOCTYPE` starts, so an internal subset (and any entity in it) is never parsed at all.
///
/// Only ASCII-compatible encodings are understood; on anything unexpected (the root element,
/// a UTF-16 byte pattern, stray text) the gate steps aside for good and libxml2's own checks
/// (DOCTYPE node, entity reference node) remain the backstop.
struct XMLPrologGate {
    private enum State {
        case prolog
        case open  // after "<"
        case bang(matched: Int)  // after "<!", matched a prefix of "DOCTYPE"
        case commentOpen  // after "<!-"
        case comment(dashes: Int)  // inside "<!-- ... -->"
        case instruction(question: Bool)  // inside "<? ... ?>"
        case passed
    }

    private static let doctype = Array("DOCTYPE".utf8)
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    private var state = State.prolog
    private var offset = 0
    private var inByteOrderMark = true
    private var line = 1
    private var column = 0
    private var markupLine = 1
    private var markupColumn = 1

    /// Feeds the next bytes; returns the (line, column) of a `<!DOCTYPE` if one starts in the prolog.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int)? {
        for byte in bytes {
            if case .passed = state { return nil }
            defer { offset += 1 }
            if inByteOrderMark && offset < 3 && byte == Self.bom[offset] { continue }
            inByteOrderMark = false
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 0
            } else {
                column += 1
            }
            switch state {
            case .prolog:
                if byte == UInt8(ascii: "<") {
                    markupLine = line
                    markupColumn = column
                    state = .open
                } else if !(byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A) {
                    state = .passed
                }
            case .open:
                state =
                    byte == UInt8(ascii: "?")
                    ? .instruction(question: false)
                    : byte == UInt8(ascii: "!") ? .bang(matched: 0) : .passed
            case .bang(let matched):
                if matched == 0 && byte == UInt8(ascii: "-") {
                    state = .commentOpen
                } else if byte == Self.doctype[matched] {
                    if matched + 1 == Self.doctype.count { return (markupLine, markupColumn) }
                    state = .bang(matched: matched + 1)
                } else {
                    state = .passed
                }
            case .commentOpen:
                state = byte == UInt8(ascii: "-") ? .comment(dashes: 0) : .passed
            case .comment(let dashes):
                if dashes >= 2 && byte == UInt8(ascii: ">") {
                    state = .prolog
                } else {
                    state = .comment(dashes: byte == UInt8(ascii: "-") ? dashes + 1 : 0)
                }
            case .instruction(let question):
                if question && byte == UInt8(ascii: ">") {
                    state = .prolog
                } else {
                    state = .instruction(question: byte == UInt8(ascii: "?"))
                }
            case .passed:
                return nil
            }
        }
        return nil
    }
}
