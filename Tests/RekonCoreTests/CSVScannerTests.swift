import Testing

@testable import RekonCore

/// Scans a whole buffer with the core scanner; malformed rows come back as `["!reason"]`.
func scanAll(_ text: String, dialect: CSVDialect = CSVDialect()) -> [[String]] {
    let bytes = Array(text.utf8)
    let scanner = CSVScanner(dialect: dialect)
    var fields = CSVFields()
    var scratch: [UInt8] = []
    var out: [[String]] = []
    bytes.withUnsafeBufferPointer { buf in
        guard let base = buf.baseAddress else { return }
        var start = 0
        while start < bytes.count {
            switch scanner.scan(base, start: start, end: bytes.count, atEnd: true, into: &fields) {
            case .record(let next, _):
                var row: [String] = []
                for i in 0..<fields.count {
                    row.append(
                        scanner.withField(base, fields, i, scratch: &scratch) { String(decoding: $0, as: UTF8.self) })
                }
                if !fields.isBlankLine { out.append(row) }
                start = next
            case .malformed(let next, _, let reason):
                out.append(["!\(reason)"])
                start = next
            case .incomplete:
                Issue.record("incomplete at the end of input")
                return
            }
        }
    }
    return out
}

struct RFC4180Case: CustomTestStringConvertible, Sendable {
    let name: String
    let input: String
    let expected: [[String]]
    var testDescription: String { name }
}

let rfc4180Cases: [RFC4180Case] = [
    .init(name: "simple LF", input: "a,b,c\n1,2,3\n", expected: [["a", "b", "c"], ["1", "2", "3"]]),
    .init(name: "CRLF", input: "a,b\r\n1,2\r\n", expected: [["a", "b"], ["1", "2"]]),
    .init(name: "lone CR", input: "a,b\r1,2\r", expected: [["a", "b"], ["1", "2"]]),
    .init(name: "no final newline", input: "a,b\n1,2", expected: [["a", "b"], ["1", "2"]]),
    .init(name: "quoted delimiter", input: "a,b\n\"x,y\",2\n", expected: [["a", "b"], ["x,y", "2"]]),
    .init(name: "doubled quotes", input: "a\n\"ha \"\"ha\"\" ha\"\n", expected: [["a"], ["ha \"ha\" ha"]]),
    .init(
        name: "newline inside quotes", input: "a,b\n1,\"x\ny\"\n3,4\n",
        expected: [["a", "b"], ["1", "x\ny"], ["3", "4"]]),
    .init(name: "CRLF inside quotes", input: "a,b\r\n1,\"x\r\ny\"\r\n", expected: [["a", "b"], ["1", "x\r\ny"]]),
    .init(
        name: "quotes and newlines", input: "a,b\n1,\"ha \n\"\"ha\"\" \nha\"\n3,4\n",
        expected: [["a", "b"], ["1", "ha \n\"ha\" \nha"], ["3", "4"]]),
    .init(name: "empty fields", input: "a,b,c\n,,\n", expected: [["a", "b", "c"], ["", "", ""]]),
    .init(name: "empty quoted field", input: "a,b\n\"\",x\n", expected: [["a", "b"], ["", "x"]]),
    .init(name: "quoted field at the end without newline", input: "a\n\"x\"", expected: [["a"], ["x"]]),
    .init(name: "blank lines are skipped", input: "a\n\n1\n\n", expected: [["a"], ["1"]]),
    .init(name: "trailing delimiter gives an empty last field", input: "a,\n", expected: [["a", ""]]),
    .init(
        name: "utf-8 text", input: "a,b\n1,\"Jl. Sudirman № 5\"\n", expected: [["a", "b"], ["1", "Jl. Sudirman № 5"]]),
    .init(
        name: "json in a field", input: "k,v\n1,\"{\"\"a\"\": 1}\"\n", expected: [["k", "v"], ["1", "{\"a\": 1}"]]),
    .init(name: "quote inside an unquoted field is kept", input: "a\nx\"y\n", expected: [["a"], ["x\"y"]]),
    .init(
        name: "text after a closing quote is malformed, next row survives", input: "a,b\n\"x\"y,2\n3,4\n",
        expected: [["a", "b"], ["!textAfterClosingQuote"], ["3", "4"]]),
    .init(
        name: "unterminated quote is malformed and the following lines are read", input: "a,b\n1,\"open\n3,4\n",
        expected: [["a", "b"], ["!unterminatedQuote"], ["3", "4"]]),
]

@Test("RFC 4180 edge cases", arguments: rfc4180Cases)
func rfc4180(_ c: RFC4180Case) {
    #expect(scanAll(c.input) == c.expected)
}

@Test("a semicolon dialect splits on semicolons and keeps commas")
func semicolonDialect() {
    #expect(
        scanAll("a;b\n1,5;\"x;y\"\n", dialect: CSVDialect(delimiter: UInt8(ascii: ";"))) == [
            ["a", "b"], ["1,5", "x;y"],
        ])
}

@Test("the scanner asks for more bytes when a record is cut by the buffer end")
func incompleteRecord() {
    let bytes = Array("a,\"b\nc".utf8)
    var fields = CSVFields()
    let r = bytes.withUnsafeBufferPointer {
        CSVScanner(dialect: CSVDialect()).scan($0.baseAddress!, start: 0, end: bytes.count, atEnd: false, into: &fields)
    }
    #expect(r == .incomplete)
}

@Test("line breaks inside quotes are counted so the next record knows its line")
func lineCounting() {
    let bytes = Array("1,\"x\ny\nz\"\n2,3\n".utf8)
    var fields = CSVFields()
    let r = bytes.withUnsafeBufferPointer {
        CSVScanner(dialect: CSVDialect()).scan($0.baseAddress!, start: 0, end: bytes.count, atEnd: true, into: &fields)
    }
    #expect(r == .record(next: 10, lines: 3))
}
