import Foundation
import RekonCore
import RekonGen
import RekonIO
import Testing

/// The claims of a world (`WorldOptions.claims`): valid rows, trailer totals, the certificates they end as
/// CLAIMED, the faults planted in them, and — with the built `rekon` binary — exactly the breaks and rejects
/// truth.json lists.
@Suite struct ClaimTests {
    typealias C = ClaimField
    typealias LC = LedgerClaimField
    typealias L = LedgerCertificateField
    static let stamp = "20260630"

    static func world(_ label: String, _ options: WorldOptions = WorldOptions(claims: true)) throws -> (
        TempDir, WorldSummary
    ) {
        let dir = TempDir(label)
        return (dir, try WorldGenerator.generate(options, into: dir.path))
    }

    @Test func noClaimsWhenTurnedOff() throws {
        var options = WorldOptions()
        options.claims = false
        let (dir, summary) = try Self.world("clm-off", options)
        defer { dir.remove() }
        #expect(summary.claims == 0 && summary.ledgerClaims == 0)
        #expect(!summary.files.contains { $0.contains("_CLM_") || $0.contains("ledger_claims_") })
        let truth = try Truth(dir.file("truth.json"))
        #expect(!truth.breaks.contains { $0.category.hasPrefix("CLAIM_") })
        #expect(truth.claims == 0)
    }

    @Test func everyClaimRowPassesTheRowRules() throws {
        let (dir, summary) = try Self.world("clm-rows")
        defer { dir.remove() }
        let s = Self.stamp
        #expect(
            summary.files == [
                "bank/BKA_NB_\(s).csv", "bank/BKA_END_\(s).csv", "bank/BKA_CLM_\(s).csv", "bank/BKB_NB_\(s).csv.gz",
                "bank/BKB_END_\(s).csv.gz", "bank/BKB_CLM_\(s).csv.gz", "bank/BKC_DROP_\(s).xml",
                "ledger/ledger_certificates_\(s).csv", "ledger/ledger_claims_\(s).csv", "rekon.json", "truth.json",
            ])
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        #expect(read.rejects == truth.readerRejects, "the reader rejects no claim row")
        for (name, n) in read.rows { #expect(truth.rows(of: name) == n, "row count of \(name)") }
        let parts = read.files.flatMap { f in f.parts.filter { $0.kind == .claim }.map { (f.name, $0) } }
        #expect(parts.map(\.0).sorted() == ["BKA_CLM_\(s).csv", "BKB_CLM_\(s).csv.gz", "BKC_DROP_\(s).xml"])
        for (name, p) in parts {
            #expect(p.rows > 0, "\(name)")
            #expect(p.rejected == 0 && p.accepted == p.rows, "\(name): \(p.rejected) claim rows rejected")
        }
        let ledger = try #require(read.file("ledger_claims_\(s).csv"))
        #expect(ledger.rejects.isEmpty)
        #expect(ledger.parts.map(\.rows) == [summary.ledgerClaims])

        let rows = read.records(.claim)
        #expect(rows.count == summary.claims)
        #expect(rows.count == truth.claims)
        #expect(Set(rows.compactMap { $0.text(C.claim_type) }) == Set(Codes.claimType))
        #expect(Set(rows.compactMap { $0.text(C.status) }) == Set(Codes.claimStatus))
        #expect(Set(rows.map { $0.text(C.claim_ref)! }).count == rows.count, "claim refs are unique")
        #expect(rows.allSatisfy { $0.int(C.claim_amount)! > 0 })
        #expect(
            rows.filter { $0.text(C.status) == "PAID" }.allSatisfy {
                $0.int(C.paid_amount) != nil && $0.day(C.paid_date) != nil
            })
        // About 2% of the policies (more in a small world: every claim fault twice).
        let share = Double(Set(rows.map { $0.text(C.policy_ref)! }).count) / Double(read.policies.count)
        #expect(share > 0.01 && share < 0.05, "\(share)")
        // Every ledger claim is for a certificate the ledger holds.
        let certificates = Set(read.certificates.map { $0.text(L.certificate_no)! })
        #expect(read.records(.ledgerClaim).allSatisfy { certificates.contains($0.text(LC.certificate_no) ?? "") })

        // The XML drop's trailer counts its claims and totals their amounts.
        let xml = try #require(parts.first { $0.0.hasSuffix(".xml") }?.1)
        let control = try #require(xml.control)
        #expect(control.declaredRows == Int64(xml.rows) && control.countedRows == control.declaredRows)
        let xmlIndex = try #require(read.files.firstIndex { $0.name == "BKC_DROP_\(s).xml" })
        let total = rows.filter { Int($0.source.file) == xmlIndex }.reduce(Int64(0)) { $0 + $1.int(C.claim_amount)! }
        #expect(control.sums.map(\.field) == ["claim_amount"])
        #expect(control.sums.allSatisfy { $0.declared == $0.counted && $0.declared == total })
        #expect(total > 0)
    }

    /// A clean claim is of a type the coverage gives, lost in cover, reported in time with its documents; an
    /// APPROVED or PAID one ends the certificate as CLAIMED, and no other certificate is CLAIMED.
    @Test func approvedAndPaidClaimsEndTheirCertificate() throws {
        let (dir, _) = try Self.world("clm-claimed", WorldOptions(policies: 4_000, seed: 3, claims: true))
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        let faulty = Set(truth.breaks.map { "\($0.bank)|\($0.ref)" })
        let rejected = Set(truth.rejects.map { "\($0.file):\($0.line)" })
        var policies: [String: Record] = [:]
        for p in read.policies { policies[p.text(PolicyField.bank_code)! + "|" + p.text(PolicyField.policy_ref)!] = p }
        var status: [String: String] = [:]
        for c in read.certificates { status[c.text(L.bank_code)! + "|" + c.text(L.policy_ref)!] = c.text(L.status) }
        var claimed = Set<String>()
        var clean = 0
        for c in read.records(.claim) {
            let key = c.text(C.bank_code)! + "|" + c.text(C.policy_ref)!
            let p = try #require(policies[key])
            let loss = c.day(C.loss_date)!
            let inCover = loss >= p.day(PolicyField.start_date)! && loss < p.day(PolicyField.end_date)!
            if ["APPROVED", "PAID"].contains(c.text(C.status)!) && inCover { claimed.insert(key) }
            let line = "\(read.files[Int(c.source.file)].name):\(c.source.line)"
            guard !faulty.contains(key) && !rejected.contains(line) else { continue }
            clean += 1
            let coverage = p.text(PolicyField.coverage_type)!
            let type = c.text(C.claim_type)!
            #expect(
                type == "DEATH" || (type == "PHK" && coverage == "LIFE_PHK")
                    || (type == "DEFAULT" && coverage == "CREDIT"))
            #expect(inCover && loss <= read.config.asOf!)
            #expect(c.day(C.reported_date)!.number - loss.number <= 90)
            if ["UNDER_REVIEW", "APPROVED", "PAID"].contains(c.text(C.status)!) {
                let docs = read.config.products[p.text(PolicyField.product_code)!]!.claims.documents[type]!
                #expect(Set(c.list(C.documents) ?? []).isSuperset(of: docs))
            }
        }
        #expect(clean >= 40)
        #expect(claimed.count >= 10)
        for key in claimed { #expect(status[key] == "CLAIMED", "\(key)") }
        #expect(Set(status.filter { $0.value == "CLAIMED" }.keys) == claimed)
    }

    @Test func everyClaimFaultAppearsTwice() throws {
        let (dir, _) = try Self.world("clm-faults")
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let byPolicy = Dictionary(grouping: truth.breaks) { "\($0.bank)|\($0.ref)" }
        func policies(_ signature: String) -> [String] {
            byPolicy.filter { $0.value.map { "\($0.category)|\($0.version)|\($0.field)" } == [signature] }.map(\.key)
        }
        for signature in [
            "CLAIM_MISSING_IN_LEDGER|1|", "CLAIM_MISSING_IN_BANK|0|", "CLAIM_STATUS_MISMATCH|1|status",
            "CLAIM_AMOUNT_MISMATCH|1|paid_amount", "CLAIM_OUT_OF_COVERAGE|1|claim_type",
            "CLAIM_OUT_OF_COVERAGE|0|loss_date", "CLAIM_LATE_REPORT|1|reported_date",
            "CLAIM_DOCUMENTS_INCOMPLETE|1|documents",
        ] {
            let group = policies(signature)
            #expect(group.count >= 2, "\(signature)")
            #expect(Set(group.map { String($0.prefix(3)) }).count >= 2, "\(signature): \(group) is at one bank only")
        }
        // Each claim break names its claim, `<BANK>-K-<serial of the policy>`; no other break names one.
        for (b, ref) in zip(truth.breaks, truth.claimRefs) {
            if b.category.hasPrefix("CLAIM_") {
                #expect(ref == b.ref.replacingOccurrences(of: "-P-", with: "-K-"), "\(b)")
            } else {
                #expect(ref.isEmpty, "\(b)")
            }
        }
        let rejects = truth.rejects.filter(\.isClaimReject)
        #expect(rejects.count >= 2 && Set(rejects.map(\.file)).count >= 2)
    }

    /// The claim rejects point at accepted claim rows lost before their policy starts.
    @Test func claimRejectsAreWhereTruthSays() throws {
        let (dir, _) = try Self.world("clm-rejects", WorldOptions(policies: 3_000, seed: 5, claims: true))
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        var starts: [String: Day] = [:]
        for p in read.policies { starts[p.text(PolicyField.policy_ref)!] = p.day(PolicyField.start_date)! }
        var early: [RejectID] = []
        for c in read.records(.claim) {
            if let start = starts[c.text(C.policy_ref)!], c.day(C.loss_date)! < start {
                early.append(
                    RejectID(
                        file: read.files[Int(c.source.file)].name, line: Int(c.source.line),
                        reason: "INCONSISTENT_DATES", field: "loss_date"))
            }
        }
        #expect(!early.isEmpty)
        #expect(early.sorted() == truth.rejects.filter(\.isClaimReject).sorted())
    }

    @Test func sameSeedGivesByteIdenticalClaims() throws {
        let (a, sa) = try Self.world("clm-same-a")
        let (b, sb) = try Self.world("clm-same-b")
        defer {
            a.remove()
            b.remove()
        }
        #expect(sa.files == sb.files)
        for f in sa.files { #expect(try readBytes(a.file(f)) == readBytes(b.file(f)), "\(f) differs between two runs") }
    }

    // MARK: - With the rekon binary

    /// The built rekon executable next to the test bundle (nil: not built).
    static var binary: String? {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = dir.appendingPathComponent("rekon").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }

    static func rekon(_ args: [String], in cwd: String) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try #require(binary, "the rekon binary is not built"))
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// The records of an RFC 4180 text.
    static func csv(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var cell: [UInt8] = []
        var inQuotes = false
        let b = Array(text.utf8)
        var i = 0
        while i < b.count {
            let c = b[i]
            i += 1
            if inQuotes {
                if c == 34 && i < b.count && b[i] == 34 {
                    cell.append(34)
                    i += 1
                } else if c == 34 {
                    inQuotes = false
                } else {
                    cell.append(c)
                }
            } else if c == 34 {
                inQuotes = true
            } else if c == 44 || c == 10 {
                record.append(String(decoding: cell, as: UTF8.self))
                cell.removeAll()
                if c == 10 {
                    records.append(record)
                    record = []
                }
            } else if c != 13 {
                cell.append(c)
            }
        }
        if !cell.isEmpty || !record.isEmpty {
            record.append(String(decoding: cell, as: UTF8.self))
            records.append(record)
        }
        return records
    }

    /// breaks.jsonl as `category|bank|ref|claim_ref|version|field` with each break's action, and rejects.csv.
    static func reported(_ out: String) throws -> (breaks: [(String, String)], rejects: [RejectID]) {
        let jsonl = try String(contentsOfFile: out + "/breaks.jsonl", encoding: .utf8)
        let breaks = try jsonl.split(separator: "\n").map { line -> (String, String) in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let key =
                "\(o["category"]!)|\(o["bank_code"]!)|\(o["policy_ref"]!)|\(o["claim_ref"] as? String ?? "")|\(o["version"]!)|\(o["field"]!)"
            return (key, o["action"] as? String ?? "")
        }
        let rows = csv(try String(contentsOfFile: out + "/rejects.csv", encoding: .utf8))
        let rejects = rows.dropFirst().map { r in
            RejectID(
                file: URL(fileURLWithPath: r[0]).lastPathComponent, line: Int(r[1]) ?? -1, reason: r[4], field: r[5])
        }
        return (breaks, rejects)
    }

    static func truthKeys(_ t: Truth) -> [String] {
        zip(t.breaks, t.claimRefs).map { b, c in "\(b.category)|\(b.bank)|\(b.ref)|\(c)|\(b.version)|\(b.field)" }
    }

    @Test(
        "rekon run reports exactly the truth of a world with claims",
        arguments: [
            WorldOptions(policies: 3_000, seed: 7, claims: true),
            WorldOptions(policies: 20_000, faultRate: 0.05, formats: [.csv], claims: true),
            WorldOptions(policies: 2_000, seed: 9, endorsements: false, claims: true),
        ])
    func rekonReportsTheTruth(_ options: WorldOptions) throws {
        let dir = TempDir("clm-run")
        defer { dir.remove() }
        _ = try WorldGenerator.generate(options, into: dir.file("world"))
        #expect(try Self.rekon(["run", "--config", "world/rekon.json", "--out", "out"], in: dir.path) == 0)
        let truth = try Truth(dir.file("world/truth.json"))
        let first = try Self.reported(dir.file("out"))
        #expect(truth.breaks.contains { $0.category.hasPrefix("CLAIM_") })
        #expect(first.breaks.map(\.0).sorted() == Self.truthKeys(truth).sorted())
        #expect(first.rejects.sorted() == truth.rejects.sorted())
        if first.breaks.map(\.0).sorted() != Self.truthKeys(truth).sorted() {
            let found = Set(first.breaks.map(\.0))
            let wanted = Set(Self.truthKeys(truth))
            Issue.record(
                "reported, not in truth: \(found.subtracting(wanted).sorted().prefix(20)); in truth, not reported: \(wanted.subtracting(found).sorted().prefix(20))"
            )
        }

        // Against the corrected ledger (certificates and claims) only the breaks a person must settle are left.
        let fm = FileManager.default
        try fm.copyItem(
            atPath: dir.file("out/corrections/ledger_certificates.csv"),
            toPath: dir.file("ledger_certificates_corrected.csv"))
        try fm.copyItem(
            atPath: dir.file("out/corrections/ledger_claims.csv"), toPath: dir.file("ledger_claims_corrected.csv"))
        #expect(
            try Self.rekon(
                [
                    "run", "--config", "world/rekon.json", "--ledger", "ledger_certificates_corrected.csv", "--ledger",
                    "ledger_claims_corrected.csv", "--out", "out2",
                ], in: dir.path) == 0)
        let second = try Self.reported(dir.file("out2"))
        #expect(second.breaks.map(\.0).sorted() == first.breaks.filter { $0.1 == "REVIEW" }.map(\.0).sorted())
    }
}
