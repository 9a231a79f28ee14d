import Foundation
import Testing

/// Worlds written by `rekon gen` and reconciled by `rekon run`, both the built binary: what rekon reports
/// (breaks.jsonl, rejects.csv) is exactly what the world's truth.json says it must.
@Suite struct GeneratedWorldTests {
    /// A break's identity as truth.json gives it.
    struct BreakKey: Hashable, Comparable, CustomStringConvertible {
        var category: String, bank: String, ref: String, version: Int, field: String
        static func < (a: BreakKey, b: BreakKey) -> Bool {
            (a.bank, a.ref, a.version, a.category, a.field) < (b.bank, b.ref, b.version, b.category, b.field)
        }
        var description: String { "\(category)|\(bank)|\(ref)|\(version)|\(field)" }
    }

    /// One problem of a rejected row: the file's base name, the row's first line, why, and which field.
    struct RejectKey: Hashable, Comparable, CustomStringConvertible {
        var file: String, line: Int, reason: String, field: String
        static func < (a: RejectKey, b: RejectKey) -> Bool {
            (a.file, a.line, a.reason, a.field) < (b.file, b.line, b.reason, b.field)
        }
        var description: String { "\(file):\(line) \(reason) \(field)" }
    }

    struct Truth {
        var breaks: [BreakKey]
        var rejects: [RejectKey]
    }

    struct Reported {
        /// From breaks.jsonl, in file order, with each break's action.
        var breaks: [(key: BreakKey, action: String)]
        var rejects: [RejectKey]
        var breakKeys: [BreakKey] { breaks.map(\.key) }
    }

    static let breakColumns = [
        "break_id", "category", "bank_code", "policy_ref", "claim_ref", "certificate_no", "version", "field",
    ]
    static let rejectColumns = ["source_file", "line", "kind", "ref", "reason_code", "field", "value", "message"]

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    // MARK: - Reading what gen and run wrote

    static func jsonObject(_ data: Data, _ what: String) throws -> [String: Any] {
        guard let o = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw Failure("\(what) is not a JSON object")
        }
        return o
    }

    static func int(_ v: Any?) -> Int? { (v as? NSNumber)?.intValue }

    static func truth(_ world: URL) throws -> Truth {
        let j = try jsonObject(try Data(contentsOf: world.appendingPathComponent("truth.json")), "truth.json")
        guard let breaks = j["breaks"] as? [[String: Any]], let rejects = j["rejects"] as? [[String: Any]] else {
            throw Failure("truth.json has no breaks or rejects list")
        }
        return Truth(
            breaks: try breaks.map { b in
                guard let c = b["category"] as? String, let bank = b["bank_code"] as? String,
                    let ref = b["policy_ref"] as? String,
                    let v = int(b["version"]), let f = b["field"] as? String
                else { throw Failure("truth.json break \(b)") }
                return BreakKey(category: c, bank: bank, ref: ref, version: v, field: f)
            },
            rejects: try rejects.map { r in
                guard let file = r["file"] as? String, let line = int(r["line"]),
                    let reason = r["reason_code"] as? String,
                    let field = r["field"] as? String
                else { throw Failure("truth.json reject \(r)") }
                return RejectKey(
                    file: URL(fileURLWithPath: file).lastPathComponent, line: line, reason: reason, field: field)
            })
    }

    /// The records of an RFC 4180 text: quoted cells may hold commas, doubled quotes and line breaks.
    static func csvRecords(_ text: String) throws -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var cell: [UInt8] = []
        var quoted = false
        var inQuotes = false
        var afterQuote = false
        let bytes = Array(text.utf8)
        var i = 0
        func endCell() {
            record.append(String(decoding: cell, as: UTF8.self))
            cell.removeAll()
            quoted = false
            afterQuote = false
        }
        while i < bytes.count {
            let c = bytes[i]
            i += 1
            if inQuotes {
                if c == 34 {
                    if i < bytes.count && bytes[i] == 34 {
                        cell.append(34)
                        i += 1
                    } else {
                        inQuotes = false
                        afterQuote = true
                    }
                } else {
                    cell.append(c)
                }
                continue
            }
            switch c {
            case 44: endCell()
            case 10:
                endCell()
                records.append(record)
                record = []
            case 13 where i < bytes.count && bytes[i] == 10: continue
            case 34 where cell.isEmpty && !quoted:
                quoted = true
                inQuotes = true
            default:
                if afterQuote { throw Failure("text after a closing quote in CSV record \(records.count + 1)") }
                cell.append(c)
            }
        }
        if inQuotes { throw Failure("unterminated quoted cell in the last CSV record") }
        if !cell.isEmpty || quoted || !record.isEmpty {
            endCell()
            records.append(record)
        }
        return records
    }

    static func reported(_ out: URL) throws -> Reported {
        var breaks: [(key: BreakKey, action: String)] = []
        let jsonl = try String(contentsOf: out.appendingPathComponent("breaks.jsonl"), encoding: .utf8)
        for (n, line) in jsonl.split(separator: "\n").enumerated() {
            let o = try jsonObject(Data(line.utf8), "breaks.jsonl line \(n + 1)")
            guard let c = o["category"] as? String, let bank = o["bank_code"] as? String,
                let ref = o["policy_ref"] as? String,
                let v = int(o["version"]), let f = o["field"] as? String, let action = o["action"] as? String
            else {
                throw Failure("breaks.jsonl line \(n + 1) lacks a key field: \(line)")
            }
            breaks.append((BreakKey(category: c, bank: bank, ref: ref, version: v, field: f), action))
        }
        let rows = try csvRecords(try String(contentsOf: out.appendingPathComponent("rejects.csv"), encoding: .utf8))
        guard rows.first == rejectColumns else { throw Failure("rejects.csv header is \(rows.first ?? [])") }
        let rejects = try rows.dropFirst().map { r in
            guard r.count == rejectColumns.count, let line = Int(r[1]) else { throw Failure("rejects.csv row \(r)") }
            return RejectKey(file: r[0], line: line, reason: r[4], field: r[5])
        }
        return Reported(breaks: breaks, rejects: rejects)
    }

    /// The (category, bank, ref, version, field) of each row of breaks.csv.
    static func breaksCSV(_ out: URL) throws -> [BreakKey] {
        let rows = try csvRecords(try String(contentsOf: out.appendingPathComponent("breaks.csv"), encoding: .utf8))
        guard let header = rows.first, Array(header.prefix(breakColumns.count)) == breakColumns else {
            throw Failure("breaks.csv header is \(rows.first ?? [])")
        }
        return try rows.dropFirst().map { r in
            guard r.count == header.count, let v = Int(r[6]) else { throw Failure("breaks.csv row \(r)") }
            return BreakKey(category: r[1], bank: r[2], ref: r[3], version: v, field: r[7])
        }
    }

    // MARK: - Running the binary

    /// `rekon gen --out world ARGS` then `rekon run --config world/rekon.json --out out` in a fresh folder.
    static func generateAndRun(_ genArgs: [String]) throws -> (work: URL, truth: Truth, reported: Reported) {
        let work = try Harness.workdir()
        do {
            let gen = try Harness.run(["gen", "--out", "world"] + genArgs, in: work)
            guard gen.status == 0 else { throw Failure("rekon gen \(genArgs) exited \(gen.status): \(gen.stderr)") }
            let run = try Harness.run(["run", "--config", "world/rekon.json", "--out", "out"], in: work)
            guard run.status == 0 else { throw Failure("rekon run exited \(run.status): \(run.stderr)") }
            return (
                work, try truth(work.appendingPathComponent("world")), try reported(work.appendingPathComponent("out"))
            )
        } catch {
            try? FileManager.default.removeItem(at: work)
            throw error
        }
    }

    /// Sets compared, and counts too (a break or reject reported twice is wrong), with the differences spelt out.
    static func expectSame<T: Hashable & Comparable & CustomStringConvertible>(
        _ found: [T], _ wanted: [T], _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let f = Set(found)
        let w = Set(wanted)
        let extra = f.subtracting(w).sorted()
        let missing = w.subtracting(f).sorted()
        #expect(
            extra.isEmpty && missing.isEmpty,
            "\(what): \(extra.count) reported but not in truth \(extra.prefix(20)); \(missing.count) in truth but not reported \(missing.prefix(20))",
            sourceLocation: sourceLocation)
        #expect(
            found.count == f.count, "\(what): \(found.count - f.count) reported more than once",
            sourceLocation: sourceLocation)
        #expect(
            wanted.count == w.count, "\(what): truth lists \(wanted.count - w.count) twice",
            sourceLocation: sourceLocation)
    }

    static func expectTruthReported(
        _ genArgs: [String], minBreaks: Int, minRejects: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let (work, truth, reported) = try generateAndRun(genArgs)
        defer { try? FileManager.default.removeItem(at: work) }
        #expect(truth.breaks.count >= minBreaks, "the world should have breaks", sourceLocation: sourceLocation)
        #expect(truth.rejects.count >= minRejects, "the world should have rejects", sourceLocation: sourceLocation)
        expectSame(reported.breakKeys, truth.breaks, "breaks", sourceLocation: sourceLocation)
        expectSame(reported.rejects, truth.rejects, "rejects", sourceLocation: sourceLocation)
        // breaks.csv lists the same breaks as breaks.jsonl, in the same order.
        #expect(try breaksCSV(work.appendingPathComponent("out")) == reported.breakKeys, sourceLocation: sourceLocation)
        // Endorsements dated after the cut-off are counted, not applied.
        let truthJSON = try jsonObject(
            try Data(contentsOf: work.appendingPathComponent("world/truth.json")), "truth.json")
        let summary = try jsonObject(
            try Data(contentsOf: work.appendingPathComponent("out/summary.json")), "summary.json")
        let counts = truthJSON["counts"] as? [String: Any]
        #expect(
            int(summary["endorsements_after_as_of"]) == int(counts?["endorsements_after_as_of"] ?? 0),
            "endorsements after the cut-off", sourceLocation: sourceLocation)
    }

    // MARK: - Tests

    @Test("a world in every drop format: rekon reports exactly its truth")
    func allFormatsWorld() throws {
        try Self.expectTruthReported(["--policies", "3000", "--seed", "7"], minBreaks: 30, minRejects: 20)
    }

    @Test("a larger CSV-only world with 5% faults: rekon reports exactly its truth")
    func csvWorldWithFivePercentFaults() throws {
        try Self.expectTruthReported(
            ["--formats", "csv", "--fault-rate", "0.05", "--policies", "20000"],
            minBreaks: 500, minRejects: 250)
    }

    @Test(
        "tiny and fault-free worlds: rekon reports exactly their truth",
        arguments: [
            ["--policies", "0"], ["--policies", "1"], ["--policies", "5"], ["--policies", "40"],
            ["--policies", "500", "--fault-rate", "0"],
        ])
    func smallWorld(_ genArgs: [String]) throws {
        try Self.expectTruthReported(genArgs, minBreaks: 0, minRejects: 0)
    }

    @Test("a rerun against the corrected ledger of a generated world leaves exactly the REVIEW breaks")
    func rerunAgainstCorrectedLedger() throws {
        let (work, truth, first) = try Self.generateAndRun(["--policies", "3000", "--seed", "7"])
        defer { try? FileManager.default.removeItem(at: work) }
        let review = first.breaks.filter { $0.action == "REVIEW" }.map(\.key)
        #expect(!review.isEmpty, "the world should have breaks only a person can settle")
        #expect(review.count < first.breaks.count, "the world should have breaks the insurer can correct")
        #expect(Set(first.breakKeys) == Set(truth.breaks))

        // The corrected ledger files are taken out of `out` first: the rerun replaces that folder.
        let corrected = work.appendingPathComponent("corrected-ledger")
        try FileManager.default.createDirectory(at: corrected, withIntermediateDirectories: true)
        for f in ["ledger_certificates.csv", "ledger_claims.csv"] {
            try FileManager.default.copyItem(
                at: work.appendingPathComponent("out/corrections/\(f)"), to: corrected.appendingPathComponent(f))
        }
        let r = try Harness.run(
            ["run", "--config", "world/rekon.json", "--ledger", corrected.lastPathComponent, "--out", "out2"], in: work)
        #expect(r.status == 0, "\(r.stderr)")
        let second = try Self.reported(work.appendingPathComponent("out2"))
        Self.expectSame(second.breakKeys, review, "breaks after the rerun")
        #expect(second.breaks.allSatisfy { $0.action == "REVIEW" })
        // The bank drops did not change, and the corrected ledger has no rejected rows.
        Self.expectSame(second.rejects, first.rejects, "rejects after the rerun")
    }

    @Test("the CSV reader of these tests handles quoted cells")
    func csvRecordsReadsQuotedCells() throws {
        let text = "a,b,c\n\"x,1\",\"say \"\"hi\"\"\",\"two\nlines\"\n,,\n"
        #expect(try Self.csvRecords(text) == [["a", "b", "c"], ["x,1", "say \"hi\"", "two\nlines"], ["", "", ""]])
        #expect(throws: Failure.self) { try Self.csvRecords("\"open\n") }
    }
}
