import Foundation
import Testing

/// The fixture folders: each has `input/` (copied to a fresh folder where rekon runs), `args`,
/// `expected_exit`, and either `expected/` (golden copies of every output) or `expected_stderr`.
let fixtureCases: [String] =
    (try? FileManager.default.contentsOfDirectory(atPath: Harness.fixtures.path).sorted()) ?? []

@Test("each fixture folder gives its exit code and exactly its golden outputs", arguments: fixtureCases)
func fixture(_ name: String) throws {
    let dir = Harness.fixtures.appendingPathComponent(name)
    let work = try Harness.workdir(copying: dir.appendingPathComponent("input"))
    defer { try? FileManager.default.removeItem(at: work) }
    let args = try String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: " ")
    let want = Int32(
        try String(contentsOf: dir.appendingPathComponent("expected_exit"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines))!
    let before = Harness.files(under: work.appendingPathComponent("out"))
    let r = try Harness.run(args, in: work)
    #expect(r.status == want, "exit status; stderr: \(r.stderr)")
    let stderrFile = dir.appendingPathComponent("expected_stderr")
    if FileManager.default.fileExists(atPath: stderrFile.path) {
        let needle = try String(contentsOf: stderrFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(r.stderr.contains(needle), "stderr was: \(r.stderr)")
        // An error is one line, naming the file; no message ever holds a NIK.
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.allSatisfy { $0.hasPrefix("rekon: ") })
        if want >= 2 {
            #expect(lines.filter { $0.contains("error:") }.count == 1 && lines.last?.contains("error:") == true)
        }
        #expect(r.stderr.range(of: #"\d{16}"#, options: .regularExpression) == nil)
    }
    if want >= 2 {
        // A failed run leaves the previous outputs as they were and no staging folder behind.
        #expect(Harness.files(under: work.appendingPathComponent("out")) == before)
        let leftovers = (try FileManager.default.contentsOfDirectory(atPath: work.path)).filter {
            $0.contains("rekon-tmp")
        }
        #expect(leftovers.isEmpty)
    }
    let expected = dir.appendingPathComponent("expected")
    if FileManager.default.fileExists(atPath: expected.path)
        || (want <= 1 && !FileManager.default.fileExists(atPath: stderrFile.path))
    {
        try Harness.compare(actual: work.appendingPathComponent("out"), expected: expected)
    }
}
