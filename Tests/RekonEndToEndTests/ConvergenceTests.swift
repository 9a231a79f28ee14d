import Foundation
import Testing

/// Reads `breaks.csv` as (category, policy_ref, version, field) → action, via breaks.jsonl.
func breakActions(_ out: URL) throws -> [String: String] {
    let text = try String(contentsOf: out.appendingPathComponent("breaks.jsonl"), encoding: .utf8)
    var m: [String: String] = [:]
    for line in text.split(separator: "\n") {
        let o = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        let key =
            "\(o["category"]!)|\(o["bank_code"]!)|\(o["policy_ref"]!)|\(o["claim_ref"]!)|\(o["version"]!)|\(o["field"]!)"
        m[key] = o["action"] as? String
    }
    return m
}

@Test(
    "a rerun against the corrected ledger leaves only the breaks whose correction is REVIEW",
    arguments: ["standard-csv", "custom-layouts", "endorsements", "claims"])
func convergence(_ name: String) throws {
    let dir = Harness.fixtures.appendingPathComponent(name)
    let work = try Harness.workdir(copying: dir.appendingPathComponent("input"))
    defer { try? FileManager.default.removeItem(at: work) }
    var args = try String(contentsOf: dir.appendingPathComponent("args"), encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: " ")
    #expect(try Harness.run(args, in: work).status == 0)
    let first = try breakActions(work.appendingPathComponent("out"))
    #expect(first.values.contains { $0 != "REVIEW" }, "the fixture should have breaks the insurer can correct")

    // Both corrected exports, certificates and claims, become the ledger of the rerun.
    let corrected = work.appendingPathComponent("corrected-ledger")
    try FileManager.default.createDirectory(at: corrected, withIntermediateDirectories: true)
    for f in ["ledger_certificates.csv", "ledger_claims.csv"] {
        try FileManager.default.copyItem(
            at: work.appendingPathComponent("out/corrections/\(f)"), to: corrected.appendingPathComponent(f))
    }
    let i = args.firstIndex(of: "--ledger")!
    args[i + 1] = "corrected-ledger"
    args[args.firstIndex(of: "--out")! + 1] = "out2"
    let r = try Harness.run(args, in: work)
    #expect(r.status == 0, "\(r.stderr)")
    let second = try breakActions(work.appendingPathComponent("out2"))
    #expect(second == first.filter { $0.value == "REVIEW" })
}

@Test("the same inputs and config give the same bytes, the run id and timings aside")
func determinism() throws {
    let dir = Harness.fixtures.appendingPathComponent("custom-layouts")
    let work = try Harness.workdir(copying: dir.appendingPathComponent("input"))
    defer { try? FileManager.default.removeItem(at: work) }
    let base = [
        "run", "--bank", "bank", "--ledger", "ledger", "--config", "rekon.json", "--profiles", "profiles", "--out",
    ]
    #expect(try Harness.run(base + ["a"], in: work).status == 0)
    #expect(try Harness.run(base + ["b"], in: work).status == 0)
    let a = work.appendingPathComponent("a")
    let b = work.appendingPathComponent("b")
    #expect(Harness.files(under: a) == Harness.files(under: b))
    for f in Harness.files(under: a) {
        let x = try Data(contentsOf: a.appendingPathComponent(f))
        let y = try Data(contentsOf: b.appendingPathComponent(f))
        if f == "summary.json" || f == "manifest.json" {
            #expect(Harness.normalised(f, x) == Harness.normalised(f, y), "\(f)")
        } else {
            #expect(x == y, "\(f) differs between two identical runs")
        }
    }
}

@Test("a successful rerun replaces the previous outputs as a whole")
func rerunReplaces() throws {
    let dir = Harness.fixtures.appendingPathComponent("custom-layouts")
    let work = try Harness.workdir(copying: dir.appendingPathComponent("input"))
    defer { try? FileManager.default.removeItem(at: work) }
    try FileManager.default.createDirectory(at: work.appendingPathComponent("out"), withIntermediateDirectories: true)
    try Data("stale".utf8).write(to: work.appendingPathComponent("out/stale.txt"))
    let args = [
        "run", "--bank", "bank", "--ledger", "ledger", "--config", "rekon.json", "--profiles", "profiles", "--out",
        "out",
    ]
    #expect(try Harness.run(args, in: work).status == 0)
    #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent("out/stale.txt").path))
    #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("out/manifest.json").path))
}

@Test("no full NIK appears outside canonical/ and corrections/")
func nikMasking() throws {
    let dir = Harness.fixtures.appendingPathComponent("standard-csv")
    let work = try Harness.workdir(copying: dir.appendingPathComponent("input"))
    defer { try? FileManager.default.removeItem(at: work) }
    let r = try Harness.run(
        ["run", "--bank", "bank", "--ledger", "ledger", "--config", "rekon.json", "--out", "out"], in: work)
    #expect(r.status == 0)
    #expect(r.stderr.range(of: #"\d{16}"#, options: .regularExpression) == nil)
    let out = work.appendingPathComponent("out")
    var checked = 0
    for f in Harness.files(under: out) where !f.hasPrefix("canonical/") && !f.hasPrefix("corrections/") {
        let text = try String(contentsOf: out.appendingPathComponent(f), encoding: .utf8)
        #expect(
            text.range(of: #"(?<![0-9a-f])\d{16}(?![0-9a-f])"#, options: .regularExpression) == nil,
            "\(f) holds a 16-digit number")
        checked += 1
    }
    #expect(checked >= 6)
    // The canonical file does keep them, so the check above is not vacuous.
    let canonical = try String(contentsOf: out.appendingPathComponent("canonical/policies.csv"), encoding: .utf8)
    #expect(canonical.range(of: #"\d{16}"#, options: .regularExpression) != nil)
}
