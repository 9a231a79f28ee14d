import Foundation
import RekonCore
import Testing

@testable import RekonIO

func line(_ mode: CSVLine.Mode, _ cells: [String]) -> String {
    var l = CSVLine(mode: mode)
    l.cells(cells)
    l.endRow()
    return String(decoding: l.bytes, as: UTF8.self)
}

@Test("report cells a spreadsheet would run as formulas are escaped; plain numbers are not")
func formulaEscaping() {
    #expect(
        line(.report, ["=SUM(A1)", "+1", "@x", "-2+3", "\tx", "-5000", "-12.5", "ok"])
            == "\"'=SUM(A1)\",\"'+1\",\"'@x\",\"'-2+3\",\"'\tx\",-5000,-12.5,ok\n")
    #expect(line(.data, ["=SUM(A1)", "-2+3"]) == "=SUM(A1),-2+3\n")
}

@Test("cells with delimiters, quotes or line breaks are quoted RFC 4180 style")
func quoting() {
    #expect(
        line(.data, ["a,b", "say \"hi\"", "two\nlines", "plain"]) == "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",plain\n"
    )
}

@Test("HTML text is escaped")
func htmlEscaping() {
    #expect(
        HTMLReport.escape("<script>alert('x')</script> & \"y\"")
            == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;")
}

@Test("money is grouped by thousands in the report")
func moneyText() {
    #expect(HTMLReport.money(1_500_000) == "1,500,000")
    #expect(HTMLReport.money(-999) == "-999")
    #expect(HTMLReport.money(0) == "0")
}

func tempDir() throws -> String {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("rekon-io-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
}

@Test("publishing swaps the staged folder in and drops the old contents")
func publishReplaces() throws {
    let root = try tempDir()
    let out = root + "/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/old.txt"))
    let stage = try OutputStage(final: out)
    try stage.write("new.txt", Array("new".utf8))
    try stage.publish()
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["new.txt"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == [".out.rekon-lock", "out"])
    #expect(stage.written.map(\.sha256) == [SHA256Hex.of("new")])
}

@Test("a stage that is never published leaves --out as it was and removes itself")
func abandonedStage() throws {
    let root = try tempDir()
    let out = root + "/out"
    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
    try Data("old".utf8).write(to: URL(fileURLWithPath: out + "/old.txt"))
    do {
        let stage = try OutputStage(final: out)
        try stage.write("new.txt", Array("new".utf8))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["old.txt"])
    #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == [".out.rekon-lock", "out"])
}

@Test("a second run on the same output folder is refused while the first holds it")
func outputLock() throws {
    let root = try tempDir()
    let first = try OutputStage(final: root + "/out")
    do {
        _ = try OutputStage(final: root + "/out")
        Issue.record("the second stage was allowed")
    } catch {
        #expect(error.reason == "locked" && error.code.exitStatus == 4)
    }
    try first.write("a.txt", Array("a".utf8))
    try first.publish()
}

@Test("the staging folder of a run that died is removed by the next run")
func staleStageRemoved() throws {
    let root = try tempDir()
    try FileManager.default.createDirectory(
        atPath: root + "/.out.rekon-tmp-999999/canonical", withIntermediateDirectories: true)
    let stage = try OutputStage(final: root + "/out")
    try stage.write("a.txt", Array("a".utf8))
    try stage.publish()
    #expect(try FileManager.default.contentsOfDirectory(atPath: root).sorted() == [".out.rekon-lock", "out"])
}

@Test("a stage that cannot be created is an output error (exit 4)")
func unwritable() throws {
    let root = try tempDir()
    try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/file"))
    #expect(throws: RekonError.self) { _ = try OutputStage(final: root + "/file/out") }
    do { _ = try OutputStage(final: root + "/file/out") } catch { #expect(error.code.exitStatus == 4) }
}

enum SHA256Hex {
    static func of(_ s: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        let inPipe = Pipe()
        let outPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        try? p.run()
        inPipe.fileHandleForWriting.write(Data(s.utf8))
        try? inPipe.fileHandleForWriting.close()
        let d = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(String(decoding: d, as: UTF8.self).prefix(64))
    }
}

@Test("libxml2 messages keep element and attribute names but not the values they quote")
func xmlMessagesWithoutValues() {
    #expect(
        LogText.withoutValues("Element 'nik': '3171011505800001' is not a valid value of the atomic type 'xs:integer'.")
            == "Element 'nik': '…' is not a valid value of the atomic type '…'.")
    #expect(
        LogText.withoutValues("Element 'Catatan': This element is not expected.")
            == "Element 'Catatan': This element is not expected.")
    #expect(LogText.withoutValues("attribute 'no': '''") == "attribute 'no': '…''")
}
