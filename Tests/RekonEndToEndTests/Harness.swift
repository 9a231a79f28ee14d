import Foundation
import Testing

/// Runs the built `rekon` binary in a fresh temporary folder, as a user would.
enum Harness {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The rekon executable next to the test bundle (SwiftPM builds it because the tests depend on it).
    static var binary: String {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("rekon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/rekon").path
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `rekon args…` with `cwd` as the working folder.
    @discardableResult
    static func run(_ args: [String], in cwd: URL) throws -> Outcome {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = cwd
        let out = Pipe()
        let err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Outcome(
            status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    /// A fresh temporary folder holding a copy of `source` (if given).
    static func workdir(copying source: URL? = nil) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rekon-e2e-\(UUID().uuidString)")
        if let source {
            try FileManager.default.copyItem(at: source, to: dir)
        } else {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        return dir
    }

    /// Every regular file below `dir`, as relative paths, sorted.
    static func files(under dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir.path) else { return [] }
        var out: [String] = []
        while let f = e.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent(f).path, isDirectory: &isDir),
                !isDir.boolValue
            {
                out.append(f)
            }
        }
        return out.sorted()
    }

    /// Blanks what legitimately differs between runs: run id, timestamps, durations, and the hash of
    /// summary.json (which holds them) in the manifest.
    static func normalised(_ name: String, _ data: Data) -> String {
        let text = String(decoding: data, as: UTF8.self)
        guard name.hasSuffix("summary.json") || name.hasSuffix("manifest.json") else { return text }
        var lines = text.components(separatedBy: "\n")
        var inSummaryEntry = false
        for i in lines.indices {
            let l = lines[i]
            let indent = String(l.prefix(while: { $0 == " " }))
            if l.contains("\"file\": \"summary.json\"") { inSummaryEntry = true }
            if l.contains("}") { inSummaryEntry = false }
            for key in ["\"run_id\"", "\"started_at\"", "\"duration_ms\""] where l.contains(key) {
                lines[i] = indent + key + ": <varies>"
            }
            if inSummaryEntry && (l.contains("\"sha256\"") || l.contains("\"bytes\"")) {
                lines[i] = indent + "<varies>"
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Compares every file of `actual` with `expected`; with REKON_UPDATE_GOLDENS=1 rewrites the goldens instead.
    static func compare(actual: URL, expected: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if ProcessInfo.processInfo.environment["REKON_UPDATE_GOLDENS"] == "1" {
            try? FileManager.default.removeItem(at: expected)
            try FileManager.default.copyItem(at: actual, to: expected)
            return
        }
        let a = files(under: actual)
        let e = files(under: expected)
        #expect(a == e, "the output files differ from the goldens", sourceLocation: sourceLocation)
        for f in Set(a).intersection(e).sorted() {
            let got = normalised(f, try Data(contentsOf: actual.appendingPathComponent(f)))
            let want = normalised(f, try Data(contentsOf: expected.appendingPathComponent(f)))
            #expect(got == want, "\(f) differs from its golden", sourceLocation: sourceLocation)
        }
    }
}
