import RekonCore
import RekonNative
import Testing

@testable import RekonIO

/// Bytes from memory, handed out in pieces of at most `step` bytes.
final class MemorySource: ByteSource {
    let bytes: [UInt8]
    let step: Int
    var offset = 0
    init(_ s: String, step: Int = 1 << 20) {
        bytes = Array(s.utf8)
        self.step = step
    }
    init(bytes: [UInt8], step: Int = 1 << 20) {
        self.bytes = bytes
        self.step = step
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, step, bytes.count - offset)
        if n == 0 { return 0 }
        bytes.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
        offset += n
        return n
    }
}

/// Reads everything: records as field strings with their line, malformed rows as `!reason@line`.
func readAll(_ source: any ByteSource, chunk: Int = 1 << 20, maxRecord: Int = 1 << 20) throws -> [String] {
    let r = CSVRecordReader(source: source, dialect: CSVDialect(), chunkBytes: chunk, maxRecordBytes: maxRecord)
    var out: [String] = []
    var scratch: [UInt8] = []
    try r.forEach { e in
        switch e {
        case .record(let v):
            out.append("\(v.line):" + (0..<v.count).map { v.string($0, scratch: &scratch) }.joined(separator: "|"))
        case .malformed(let line, let reason):
            out.append("!\(reason)@\(line)")
        }
    }
    return out
}

let sample = "\u{FEFF}a,b\r\n1,\"x\ny\"\r\n\r\n2,\"q\"\"q\"\n3,4"
let sampleRecords = ["1:a|b", "2:1|x\ny", "5:2|q\"q", "6:3|4"]

@Test("records and their first lines survive every chunk size and every read size", arguments: [7, 16, 64, 1 << 20])
func chunkBoundaries(_ chunk: Int) throws {
    for step in [1, 2, 3, 5, 1000] {
        #expect(try readAll(MemorySource(sample, step: step), chunk: chunk) == sampleRecords)
    }
}

@Test("a record longer than the limit is rejected on its line and the next rows are read")
func recordTooLong() throws {
    let long = String(repeating: "x", count: 300)
    let text = "a,b\n\"\(long)\nshort\",1\n3,4\n"
    #expect(
        try readAll(MemorySource(text), chunk: 64, maxRecord: 128) == [
            "1:a|b", "!recordTooLong@2", "3:short\"|1", "4:3|4",
        ])
}

@Test("an unterminated quote at the end of the file is one malformed row, not lost rows")
func unterminatedAtEnd() throws {
    #expect(try readAll(MemorySource("a\n1\n\"open\n2\n3\n")) == ["1:a", "2:1", "!unterminatedQuote@3", "4:2", "5:3"])
}

@Test("an empty source has no records")
func emptySource() throws {
    #expect(try readAll(MemorySource("")).isEmpty)
    #expect(try readAll(MemorySource("\u{FEFF}")).isEmpty)
}
