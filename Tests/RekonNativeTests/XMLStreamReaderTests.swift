import Foundation
import RekonNative
import Testing

/// Reads every event of a document.
func events(_ xml: String, chunk: Int = .max, schema: XMLSchema? = nil) throws -> [XMLEvent] {
    let reader = try XMLStreamReader(source: ChunkedSource(xml, chunk: chunk), documentName: "test.xml", schema: schema)
    var out: [XMLEvent] = []
    while let event = try reader.next() { out.append(event) }
    return out
}

@Suite struct XMLStreamReaderTests {
    @Test func elementsAttributesTextCDATAAndEmptyElementsWithLines() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- a comment -->
            <batch id="b1" xmlns:x="urn:x">
              <record x:kind="debit" amount="1&amp;2">Caf\u{e9} &lt;ok&gt;</record>
              <note><![CDATA[<raw> & stuff]]></note>
              <empty flag="y"/>
              <?pi ignored?>
            </batch>
            """
        for chunk in [1, 7, .max] {
            let got = try events(xml, chunk: chunk)
            #expect(
                got == [
                    .start(name: "batch", attributes: [XMLAttribute(name: "id", value: "b1")], line: 3),
                    .start(
                        name: "record",
                        attributes: [
                            XMLAttribute(name: "x:kind", value: "debit"),
                            XMLAttribute(name: "amount", value: "1&2"),
                        ], line: 4),
                    .text("Caf\u{e9} <ok>"),
                    .end(name: "record"),
                    .start(name: "note", attributes: [], line: 5),
                    .text("<raw> & stuff"),
                    .end(name: "note"),
                    .start(name: "empty", attributes: [XMLAttribute(name: "flag", value: "y")], line: 6),
                    .end(name: "empty"),
                    .end(name: "batch"),
                ], "chunk \(chunk)")
        }
    }

    @Test func whitespaceInsideTextIsKeptButWhitespaceOnlyNodesAreSkipped() throws {
        let got = try events("<a>\n  <b>  two  words </b>\n  <c> </c>\n</a>")
        #expect(
            got == [
                .start(name: "a", attributes: [], line: 1),
                .start(name: "b", attributes: [], line: 2), .text("  two  words "), .end(name: "b"),
                .start(name: "c", attributes: [], line: 3), .end(name: "c"),
                .end(name: "a"),
            ])
    }

    @Test func nextReturnsNilAtEndAndKeepsReturningNil() throws {
        let reader = try XMLStreamReader(source: ChunkedSource("<a/>"), documentName: "t", schema: nil)
        #expect(try reader.next() == .start(name: "a", attributes: [], line: 1))
        #expect(try reader.next() == .end(name: "a"))
        #expect(try reader.next() == nil)
        #expect(try reader.next() == nil)
    }

    @Test func unclosedTagThrowsMalformedWithALine() {
        let error = xmlError { _ = try events("<a>\n<b>text</b>\n<c>\n</a>\n") }
        #expect(error?.code == .malformed)
        #expect((error?.line ?? 0) >= 3)
        #expect(error?.message.isEmpty == false)
    }

    @Test func truncatedDocumentThrowsMalformed() {
        #expect(xmlError { _ = try events("<a><b>") }?.code == .malformed)
        #expect(xmlError { _ = try events("") }?.code == .malformed)
    }

    @Test func undefinedEntityThrowsMalformed() {
        #expect(xmlError { _ = try events("<a>&nope;</a>") }?.code == .malformed)
    }

    @Test func errorDescriptionHoldsNoDocumentContent() {
        let error = xmlError { _ = try events("<a>\n<secret-value-9999>\n</a>") }
        #expect(error?.code == .malformed)
        #expect(error.map { !$0.description.contains("secret-value-9999") } == true)
    }

    @Test func externalDoctypeThrowsDoctypeRefused() {
        let error = xmlError {
            _ = try events("<?xml version=\"1.0\"?>\n<!DOCTYPE x SYSTEM \"file:///etc/passwd\">\n<x>&xxe;</x>")
        }
        #expect(error?.code == .doctypeRefused)
        #expect(error?.line == 2)
    }

    @Test func billionLaughsIsRefusedAtTheDoctypeAndNeverExpanded() {
        var entities = "<!ENTITY lol0 \"lol\">\n"
        for level in 1...9 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">\n"
        }
        let xml = "<!-- bomb -->\n<!DOCTYPE lolz [\n\(entities)]>\n<lolz>&lol9;</lolz>\n"
        for chunk in [1, 3, .max] {
            let error = xmlError { _ = try events(xml, chunk: chunk) }
            #expect(error?.code == .doctypeRefused, "chunk \(chunk)")
            #expect(error?.line == 2)
        }
    }

    @Test func doctypeAfterByteOrderMarkAndProcessingInstructionIsRefused() {
        let xml = "\u{feff}<?xml version=\"1.0\"?><?style x?>\r\n<!DOCTYPE a []><a/>"
        #expect(xmlError { _ = try events(xml) }?.code == .doctypeRefused)
    }

    @Test func doctypeTextInsideContentIsNotMistakenForADoctype() throws {
        let got = try events("<a><![CDATA[<!DOCTYPE x>]]><!-- <!DOCTYPE y> --></a>")
        #expect(got == [.start(name: "a", attributes: [], line: 1), .text("<!DOCTYPE x>"), .end(name: "a")])
    }

    @Test func utf16DoctypeIsRefusedByTheNodeCheck() {
        // The byte gate only understands ASCII-compatible encodings; libxml2's DOCTYPE node is the backstop.
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<!DOCTYPE a><a/>".utf16 { bytes += [UInt8(unit & 0xff), UInt8(unit >> 8)] }
        let error = xmlError {
            let reader = try XMLStreamReader(source: ChunkedSource(bytes), documentName: "u16", schema: nil)
            while try reader.next() != nil {}
        }
        #expect(error?.code == .doctypeRefused)
    }

    @Test func sourceErrorPropagatesUnchangedAndStaysThrown() throws {
        let reader = try XMLStreamReader(
            source: FailingSource(prefix: Array("<a><b>1</b>".utf8), error: SourceFailure(id: 11)),
            documentName: "t", schema: nil)
        #expect(throws: SourceFailure(id: 11)) { while try reader.next() != nil {} }
        #expect(throws: SourceFailure(id: 11)) { _ = try reader.next() }
    }

    @Test func sourceFailingOnFirstReadPropagates() {
        #expect(throws: SourceFailure(id: 12)) {
            let reader = try XMLStreamReader(
                source: FailingSource(prefix: [], error: SourceFailure(id: 12)),
                documentName: "t", schema: nil)
            while try reader.next() != nil {}
        }
    }

    @Test func hundredThousandRecordsStreamWithBoundedMemory() throws {
        let records = 100_000
        var produced = 0
        let source = GeneratedSource {
            if produced == 0 {
                produced += 1
                return Array("<records>\n".utf8)
            }
            if produced > records + 1 { return nil }
            defer { produced += 1 }
            if produced == records + 1 { return Array("</records>\n".utf8) }
            let n = produced
            return Array(
                """
                <record id="r\(n)" currency="EUR">
                  <ref>REF-\(n)-\(String(repeating: "x", count: 64))</ref>
                  <amount>\(n).25</amount>
                  <memo>memo for record number \(n), padded \(String(repeating: "m", count: 96))</memo>
                </record>

                """.utf8)
        }
        let reader = try XMLStreamReader(source: source, documentName: "big.xml", schema: nil)
        let baseline = residentBytes()
        var peak = baseline
        var starts = 0
        var texts = 0
        var exactBelowLimit = true
        var closeAboveLimit = true
        while let event = try reader.next() {
            switch event {
            case .start(name: "record", _, let line):
                starts += 1
                // Record n starts on line 2 + 5(n-1). libxml2 keeps element lines in 16 bits, so past
                // line 65534 the reader reports the parser line, which may be a few lines ahead.
                let exact = 2 + 5 * (starts - 1)
                if exact < 65535 {
                    exactBelowLimit = exactBelowLimit && line == exact
                } else {
                    closeAboveLimit = closeAboveLimit && (exact...(exact + 10)).contains(line)
                }
                if starts % 10_000 == 0 { peak = max(peak, residentBytes()) }
            case .text: texts += 1
            default: break
            }
        }
        #expect(starts == records)
        #expect(texts == records * 3)
        #expect(exactBelowLimit)
        #expect(closeAboveLimit)
        // The document is ~30 MB and a tree of it several times that; streaming stays far below.
        #expect(peak - baseline < 80 << 20, "resident set grew by \((peak - baseline) >> 20) MiB")
    }

    @Test func recordLinesAreExactBelowTheSixteenBitLimit() throws {
        var xml = "<r>\n"
        for n in 0..<5_000 { xml += "<e n=\"\(n)\">\n<v>\(n)</v>\n</e>\n" }
        xml += "</r>\n"
        var expectedLine = 2
        for event in try events(xml, chunk: 4_000) {
            if case .start(name: "e", _, let line) = event {
                #expect(line == expectedLine)
                expectedLine += 3
            }
        }
        #expect(expectedLine == 2 + 3 * 5_000)
    }
}

/// Resident set size of this process (from /proc/self/statm).
func residentBytes() -> Int {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}
