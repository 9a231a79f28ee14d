import Foundation
import RekonCore
import RekonGen
import RekonIO
import Testing

/// The generator's own promises: determinism, layout, the faults it plans, and files that rekon's real
/// reading layer (RekonIO's `DropReader`, see `WorldReading`) reads into exactly the rows and rejects the
/// truth describes. That the breaks rekon reports equal the truth is checked end to end, with the binary,
/// in `RekonEndToEndTests/GeneratedWorldTests.swift`.
@Suite struct WorldGeneratorTests {
    static let stamp = "20260630"
    static let policyKind = RecordKind.allCases.firstIndex(of: .policy)!

    /// A world of new business and endorsements (claims have their own tests, in ClaimTests).
    func world(_ label: String, _ options: WorldOptions = WorldOptions()) throws -> (TempDir, WorldSummary) {
        let dir = TempDir(label)
        var options = options
        options.claims = false
        let summary = try WorldGenerator.generate(options, into: dir.path)
        return (dir, summary)
    }

    /// rekon's reader rejects exactly the problems truth.json lists, one per rejected row, and reads as many
    /// rows from each file as truth.json says the file holds.
    func expectReadingAgrees(
        _ read: WorldReading, _ truth: Truth, _ label: String = "",
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        #expect(
            read.multiProblem.isEmpty, "\(label) rejected rows with more than one problem: \(read.multiProblem)",
            sourceLocation: sourceLocation)
        let found = read.rejects
        let wanted = truth.readerRejects
        #expect(found == wanted, "\(label) rejects", sourceLocation: sourceLocation)
        if found != wanted {
            let extra = Set(found).subtracting(wanted).sorted()
            let missing = Set(wanted).subtracting(found).sorted()
            Issue.record(
                "\(label) rejected but not in truth: \(extra)\nin truth but not rejected: \(missing)",
                sourceLocation: sourceLocation)
        }
        #expect(read.files.count == truth.files.count, "\(label) files read", sourceLocation: sourceLocation)
        for (name, n) in read.rows {
            #expect(truth.rows(of: name) == n, "\(label) row count of \(name)", sourceLocation: sourceLocation)
        }
        for f in read.files {
            for p in f.parts {
                #expect(
                    p.accepted + p.rejected == p.rows, "\(label) \(f.name) \(p.profile)", sourceLocation: sourceLocation
                )
            }
        }
    }

    @Test func sameSeedGivesByteIdenticalFiles() throws {
        let (a, sa) = try world("same-a")
        let (b, sb) = try world("same-b")
        defer {
            a.remove()
            b.remove()
        }
        #expect(sa.files == sb.files)
        for f in sa.files {
            #expect(try readBytes(a.file(f)) == readBytes(b.file(f)), "\(f) differs between two runs")
        }
    }

    @Test func differentSeedGivesAnotherWorld() throws {
        let (a, sa) = try world("seed-1")
        let (b, _) = try world("seed-2", WorldOptions(seed: 2))
        defer {
            a.remove()
            b.remove()
        }
        for f in sa.files where f.hasPrefix("bank/") || f.hasPrefix("ledger/") || f == "truth.json" {
            #expect(try readBytes(a.file(f)) != readBytes(b.file(f)), "\(f) is the same for seeds 1 and 2")
        }
    }

    @Test func layoutOfAWorld() throws {
        let (dir, summary) = try world("layout")
        defer { dir.remove() }
        let s = Self.stamp
        #expect(
            summary.files == [
                "bank/BKA_NB_\(s).csv", "bank/BKA_END_\(s).csv", "bank/BKB_NB_\(s).csv.gz",
                "bank/BKB_END_\(s).csv.gz", "bank/BKC_DROP_\(s).xml",
                "ledger/ledger_certificates_\(s).csv", "rekon.json", "truth.json",
            ])
        let truth = try Truth(dir.file("truth.json"))
        #expect(summary.breaks == truth.breaks.count)
        #expect(summary.rejects == truth.rejects.count)
        #expect(
            summary.policies + summary.endorsements
                == truth.files.filter { $0.key.hasPrefix("bank/") }.values.reduce(0, +))
        #expect(summary.endorsements == truth.endorsements)
        #expect(summary.endorsements > 300)
        #expect(summary.ledgerCertificates == truth.files["ledger/ledger_certificates_\(s).csv"])
        #expect(truth.categories.values.reduce(0, +) == truth.breaks.count)
        #expect(truth.reasons.values.reduce(0, +) == truth.rejects.count)

        let config = try Config.load(json: try readBytes(dir.file("rekon.json")), origin: "rekon.json")
        #expect(config.asOf == WorldOptions.defaultAsOf)
        #expect(config.bank == ["bank"])
        #expect(config.ledger == ["ledger"])
        #expect(config.out == "out")
        #expect(Set(config.products.keys) == ["KPR-LIFE", "KTA-PHK", "KUR-CREDIT"])
        let kpr = try #require(config.products["KPR-LIFE"])
        #expect(kpr.rate(tenorMonths: 12) == Rate(micros: 5_000_000))
        #expect(kpr.rate(tenorMonths: 60) == Rate(micros: 7_500_000))
        #expect(kpr.rate(tenorMonths: 240) == Rate(micros: 12_250_000))
        #expect(config.products["KTA-PHK"]?.rate(tenorMonths: 36) == Rate(micros: 9_500_000))
        #expect(config.products["KUR-CREDIT"]?.rate(tenorMonths: 6) == Rate(micros: 15_000_000))
        #expect(kpr.entryAge.min == 18 && kpr.entryAge.max == 65)
        #expect(kpr.maxAgeAtMaturity == 75)
        #expect(kpr.tenorMonths.min == 6 && kpr.tenorMonths.max == 240)
        #expect(kpr.sumInsured.min == 1_000_000 && kpr.sumInsured.max == 5_000_000_000)
        #expect(kpr.refund.method == .PRO_RATA_MONTHS)
        #expect(config.products["KTA-PHK"]?.refund.method == .RULE_OF_78)
        #expect(config.products["KTA-PHK"]?.refund.adminFee == 25_000)
        #expect(config.products["KUR-CREDIT"]?.refund.method == .PRO_RATA_DAYS)
        #expect(config.products["KUR-CREDIT"]?.refund.shareMicros == 900_000)
    }

    /// Every row the generator wrote reaches rekon's reader; it rejects exactly truth's rows, each for one problem.
    @Test func readerRejectsExactlyTheTruthsRowsEachForOneProblem() throws {
        let (dir, summary) = try world("truth")
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        #expect(!truth.rejects.isEmpty)
        expectReadingAgrees(read, truth)
        let rejectedRows = Set(truth.readerRejects.map { "\($0.file):\($0.line)" }).count
        #expect(
            Set(truth.rejects.map { "\($0.file):\($0.line)" }).count == truth.rejects.count,
            "truth lists one problem per rejected row")
        #expect(read.policies.count + rejectedRows == summary.policies)
        #expect(read.certificates.count == summary.ledgerCertificates)
        // Only bank rows are rejected: the ledger export is clean.
        #expect(read.files.filter { $0.name.hasPrefix("ledger_") }.allSatisfy { $0.rejects.isEmpty })
    }

    @Test func truthHasEveryCategoryAndReasonTwiceAcrossBanks() throws {
        let (dir, _) = try world("kinds")
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let wanted: [(String, String, Set<Int>)] = [
            ("MISSING_IN_LEDGER", "", [1, 2]), ("MISSING_IN_BANK", "", [1]), ("DUPLICATE_IN_BANK", "policy_ref", [2]),
            ("DUPLICATE_IN_BANK", "loan_no", [1]), ("DUPLICATE_IN_LEDGER", "certificate_no", [1]),
            ("FIELD_MISMATCH", "debtor_name", [1]), ("FIELD_MISMATCH", "debtor_birth_date", [1]),
            ("FIELD_MISMATCH", "debtor_gender", [1]), ("FIELD_MISMATCH", "debtor_nik", [1]),
            ("FIELD_MISMATCH", "start_date", [1]), ("FIELD_MISMATCH", "end_date", [1]),
            ("FIELD_MISMATCH", "tenor_months", [1]),
            ("FIELD_MISMATCH", "sum_insured", [1]), ("FIELD_MISMATCH", "premium_amount", [1]),
            ("PREMIUM_MISCALCULATED", "bank.premium_amount", [1, 2]),
            ("PREMIUM_MISCALCULATED", "ledger.premium_amount", [1]),
            ("MISSING_IN_BANK", "endorsement_ref", [0]),
            ("STATUS_MISMATCH", "status", [1]), ("REFUND_MISMATCH", "refund_amount", [1]),
        ]
        for (category, field, version) in wanted {
            let hits = truth.breaks.filter { $0.category == category && $0.field == field }
            #expect(hits.count >= 2, "\(category) \(field) appears \(hits.count) times")
            #expect(hits.allSatisfy { version.contains($0.version) }, "\(category) \(field) versions")
            #expect(Set(hits.map(\.bank)).count >= 2, "\(category) \(field) is at one bank only")
        }
        #expect(truth.breaks.filter { $0.category == "STATUS_MISMATCH" }.count >= 4)
        for reason in ReasonCode.allCases {
            let hits = truth.rejects.filter { $0.reason == reason.rawValue }
            #expect(hits.count >= 2, "\(reason) appears \(hits.count) times")
            #expect(Set(hits.map(\.file)).count >= 2, "\(reason) is in one file only")
        }
        #expect(Set(truth.breaks.map(\.bank)) == ["BKA", "BKB", "BKC"])
        #expect(Set(truth.readerRejects.map(\.file)).count == 3)
        #expect(
            !truth.rejects.contains {
                $0.file.hasSuffix(".xml") && ($0.reason == "BAD_NUMBER" || $0.reason == "BAD_ROW")
            })
        #expect(Set(truth.breaks).count == truth.breaks.count)
        // rekon's report order: policy and version, then category in rekon's order (not by name).
        let keys = truth.breaks.map { [$0.bank, $0.ref, String(format: "%09d", $0.version)] }
        #expect(keys == keys.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(truth.rejects == truth.rejects.sorted())
    }

    @Test func acceptedRowsAgreeWithTheirNIKAndTenor() throws {
        let (dir, _) = try world("rows")
        defer { dir.remove() }
        let read = try WorldReading(world: dir.path)
        let accepted = read.policies
        #expect(accepted.count > 1_900)
        for r in accepted {
            let nik = try #require(r.text(PolicyField.debtor_nik))
            let birth = try #require(r.day(PolicyField.debtor_birth_date))
            let gender = try #require(r.text(PolicyField.debtor_gender))
            #expect(RowRules.nikAgrees(nik, birth: birth, gender: gender))
            let start = try #require(r.day(PolicyField.start_date))
            let end = try #require(r.day(PolicyField.end_date))
            let tenor = try #require(r.int(PolicyField.tenor_months))
            #expect(start.addingMonths(Int(tenor)) == end)
            #expect(start < WorldOptions.defaultAsOf)
            let si = try #require(r.int(PolicyField.sum_insured))
            #expect(si % 1_000_000 == 0)
            #expect(try #require(r.int(PolicyField.plafond)) >= si)
        }
        // Some policies ended before the cut-off; refs and loans are unique per bank apart from the duplicates.
        #expect(accepted.contains { $0.day(PolicyField.end_date)! < WorldOptions.defaultAsOf })
        let refs = accepted.map { "\($0.text(PolicyField.bank_code)!)|\($0.text(PolicyField.policy_ref)!)" }
        let truth = try Truth(dir.file("truth.json"))
        let sameRef = truth.breaks.filter { $0.field == "policy_ref" }.count
        #expect(sameRef > 0)
        #expect(refs.count - Set(refs).count == sameRef)
        let loans = accepted.map { "\($0.text(PolicyField.bank_code)!)|\($0.text(PolicyField.loan_no)!)" }
        let sameLoan = truth.breaks.filter { $0.field == "loan_no" }.count
        #expect(sameLoan > 0)
        #expect(loans.count - Set(loans).count == sameRef + sameLoan)
    }

    @Test func xmlTrailerSumsTheRowsWritten() throws {
        let (dir, _) = try world("xml")
        defer { dir.remove() }
        let name = "BKC_DROP_\(Self.stamp).xml"
        let truth = try Truth(dir.file("truth.json"))
        let config = try Config.load(json: try readBytes(dir.file("rekon.json")), origin: "rekon.json")
        // rekon's reader validates the drop against rekon-drop.xsd and checks its trailer against the rows.
        let read = try WorldReading.read(file: dir.file("bank/" + name), config: config)
        let policy = try #require(read.parts.first { $0.kind == .policy })
        #expect(policy.rows > 300)
        let endorsements = try #require(read.parts.first { $0.kind == .endorsement })
        #expect(endorsements.rows > 50)
        #expect(endorsements.rejected == 0)
        let claims = try #require(read.parts.first { $0.kind == .claim })
        #expect(truth.rows(of: name) == policy.rows + endorsements.rows + claims.rows)
        #expect(endorsements.control?.declaredRows == Int64(endorsements.rows))
        #expect(endorsements.control?.countedRows == Int64(endorsements.rows))
        let control = try #require(policy.control)
        #expect(control.declaredRows == Int64(policy.rows))
        #expect(control.countedRows == control.declaredRows)
        #expect(control.sums.map(\.field) == ["sum_insured", "premium_amount"])
        for s in control.sums {
            #expect(s.declared == s.counted, "trailer total of \(s.field)")
            #expect(s.declared > 0)
        }
        let accepted = read.records[Self.policyKind]
        let acceptedSI = accepted.reduce(Int64(0)) { $0 + ($1.int(PolicyField.sum_insured) ?? 0) }
        #expect(acceptedSI > 0 && acceptedSI <= control.sums[0].declared)
        // The same trailer carries the count and total of the claims (none in this world).
        #expect(claims.control?.declaredRows == Int64(claims.rows))
        #expect(claims.control?.sums.allSatisfy { $0.declared == $0.counted } == true)

        // A trailer that disagrees with the rows is refused, so the check above is not vacuous.
        let text = String(decoding: try readBytes(dir.file("bank/" + name)), as: UTF8.self)
        let total = control.sums[0].declared
        let tampered = text.replacingOccurrences(
            of: "<policy_sum_insured>\(total)</policy_sum_insured>",
            with: "<policy_sum_insured>\(total + 1)</policy_sum_insured>")
        #expect(tampered != text)
        try FileManager.default.createDirectory(atPath: dir.file("tampered"), withIntermediateDirectories: true)
        try Data(tampered.utf8).write(to: URL(fileURLWithPath: dir.file("tampered/" + name)))
        do {
            _ = try WorldReading.read(file: dir.file("tampered/" + name), config: config)
            Issue.record("a drop whose trailer total disagrees with its rows was read")
        } catch let e as RekonError {
            #expect(e.reason == "trailer_sum", "\(e)")
        }

        // Text is escaped: an address with & survives the round trip.
        #expect(text.contains("<Drop version=\"1\">"))
        #expect(text.contains("A &amp; B"))
        #expect(accepted.contains { $0.text(PolicyField.debtor_address)?.contains("A & B") == true })
    }

    @Test func gzipDropDecompressesToTheStandardLayout() throws {
        let (dir, _) = try world("gzip")
        defer { dir.remove() }
        let name = "BKB_NB_\(Self.stamp).csv.gz"
        let path = dir.file("bank/" + name)
        #expect(try run(gunzipTool(), ["-t", path]).status == 0)
        let (plain, status) = try run(gunzipTool(), ["-c", path])
        #expect(status == 0)
        let text = String(decoding: plain, as: UTF8.self)
        #expect(!text.contains("\r"))
        let header = text.prefix { $0 != "\n" }.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(header == Catalogue.policy.map(\.name))
        #expect(
            text.contains("\"Jl.") || text.contains("\"Gg.") || text.contains("\"Perum") || text.contains("\"Komplek"))

        // rekon reads it as a gzip stream in the standard CSV layout, every row of it.
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        let f = try #require(read.file(name))
        #expect(f.isGzip)
        #expect(f.parts.map(\.kind) == [.policy])
        let rows = try #require(f.parts.first).rows
        #expect(rows > 500)
        #expect(truth.rows(of: name) == rows)
        // Quoted addresses over two lines (so the text has more lines than records) and with commas.
        #expect(text.split(separator: "\n").count > rows + 1)
        let addresses = f.records[Self.policyKind].compactMap { $0.text(PolicyField.debtor_address) }
        #expect(addresses.contains { $0.contains("\n") })
        #expect(addresses.contains { $0.contains(",") })
        #expect(!read.file("BKA_NB_\(Self.stamp).csv")!.isGzip)
    }

    @Test func csvOnlyWorldWritesPlainCSVEverywhere() throws {
        let (dir, summary) = try world("csv", WorldOptions(policies: 3_000, seed: 7, formats: [.csv]))
        defer { dir.remove() }
        let s = Self.stamp
        #expect(
            summary.files.filter { $0.hasPrefix("bank/") } == [
                "bank/BKA_NB_\(s).csv", "bank/BKA_END_\(s).csv", "bank/BKB_NB_\(s).csv", "bank/BKB_END_\(s).csv",
                "bank/BKC_NB_\(s).csv", "bank/BKC_END_\(s).csv",
            ])
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        #expect(read.files.allSatisfy { !$0.isGzip && $0.parts.count == 1 })
        #expect(read.files.allSatisfy { $0.parts[0].rows > 0 })
        expectReadingAgrees(read, truth)
        #expect(Set(truth.readerRejects.map(\.file)) == ["BKA_NB_\(s).csv", "BKB_NB_\(s).csv", "BKC_NB_\(s).csv"])
        #expect(truth.rejects.filter(\.isEndorsementReject).allSatisfy { $0.file.contains("_END_") })
    }

    @Test func largerWorldUsesTwoPercentFaults() throws {
        let (dir, summary) = try world("large", WorldOptions(policies: 20_000, seed: 42))
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let generator = try #require(truth.json["generator"] as? [String: Any])
        #expect((generator["faults"] as? NSNumber)?.intValue == 400)
        #expect(summary.breaks + summary.rejects >= 400)
        #expect(summary.breaks == truth.breaks.count && summary.rejects == truth.rejects.count)
        // A small world gets more than 2%, enough for every fault kind to appear twice.
        let (small, _) = try world("small", WorldOptions(policies: 2_000, seed: 42))
        defer { small.remove() }
        let smallGenerator = try #require(try Truth(small.file("truth.json")).json["generator"] as? [String: Any])
        #expect(((smallGenerator["faults"] as? NSNumber)?.intValue ?? 0) > 40)
    }

    @Test func explicitFaultRate() throws {
        let (none, s0) = try world("rate-0", WorldOptions(policies: 500, faultRate: 0))
        defer { none.remove() }
        #expect(s0.breaks == 0 && s0.rejects == 0)
        #expect(s0.policies == 500 && s0.ledgerCertificates > 500)
        let read = try WorldReading(world: none.path)
        #expect(read.rejects.isEmpty)
        #expect(read.policies.count == 500)
        #expect(read.certificates.count == s0.ledgerCertificates)
        #expect(read.records(.endorsement).count == s0.endorsements)
        let (many, s1) = try world("rate-high", WorldOptions(policies: 500, faultRate: 0.2))
        defer { many.remove() }
        let generator = try #require(try Truth(many.file("truth.json")).json["generator"] as? [String: Any])
        #expect((generator["faults"] as? NSNumber)?.intValue == 100)
        #expect(s1.breaks > 0 && s1.rejects > 0)
    }

    @Test func ledgerIsShuffledWithHarmlessNameVariants() throws {
        let (dir, _) = try world("ledger")
        defer { dir.remove() }
        let read = try WorldReading(world: dir.path)
        let certificates = read.certificates
        #expect(certificates.count > 1_900)
        let refs = certificates.map { $0.text(LedgerCertificateField.policy_ref)! }
        #expect(refs != refs.sorted())
        var bankNames: [String: String] = [:]
        for p in read.policies { bankNames[p.text(PolicyField.policy_ref)!] = p.text(PolicyField.debtor_name)! }
        var variants = 0
        for c in certificates {
            guard let bank = bankNames[c.text(LedgerCertificateField.policy_ref)!],
                let ledger = c.text(LedgerCertificateField.debtor_name)
            else { continue }
            if bank != ledger && NameNormal.form(bank) == NameNormal.form(ledger) { variants += 1 }
        }
        #expect(variants >= 10)
        let statuses = Set(certificates.compactMap { $0.text(LedgerCertificateField.status) })
        #expect(statuses.isSuperset(of: ["ACTIVE", "EXPIRED"]))
    }

    @Test func regeneratingWithAnotherDateReplacesTheDrops() throws {
        let dir = TempDir("again")
        defer { dir.remove() }
        _ = try WorldGenerator.generate(WorldOptions(policies: 300, claims: false), into: dir.path)
        let later = try #require(Day(year: 2026, month: 7, day: 31))
        let summary = try WorldGenerator.generate(
            WorldOptions(policies: 300, asOf: later, formats: [.csv, .xml], claims: false), into: dir.path)
        let bank = try FileManager.default.contentsOfDirectory(atPath: dir.file("bank")).sorted()
        #expect(
            bank == [
                "BKA_END_20260731.csv", "BKA_NB_20260731.csv", "BKB_END_20260731.csv", "BKB_NB_20260731.csv",
                "BKC_DROP_20260731.xml",
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: dir.file("ledger")) == [
                "ledger_certificates_20260731.csv"
            ])
        #expect(summary.files.contains("bank/BKB_NB_20260731.csv"))
        let truth = try Truth(dir.file("truth.json"))
        #expect(!truth.rejects.isEmpty)
        expectReadingAgrees(try WorldReading(world: dir.path), truth)
    }

    @Test func invalidOptionsAreRefused() {
        let dir = TempDir("invalid")
        defer { dir.remove() }
        #expect(throws: WorldError.self) { try WorldGenerator.generate(WorldOptions(policies: -1), into: dir.path) }
        #expect(throws: WorldError.self) { try WorldGenerator.generate(WorldOptions(faultRate: 1.5), into: dir.path) }
        #expect(throws: WorldError.self) { try WorldGenerator.generate(WorldOptions(faultRate: -0.1), into: dir.path) }
        #expect(throws: WorldError.self) { try WorldGenerator.generate(WorldOptions(formats: []), into: dir.path) }
    }

    @Test(arguments: [0, 1, 5, 40])
    func tinyWorldsStillWork(_ n: Int) throws {
        let (dir, summary) = try world("tiny-\(n)", WorldOptions(policies: n))
        defer { dir.remove() }
        #expect(summary.files.count == 8)
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        expectReadingAgrees(read, truth, "policies \(n)")
        #expect(
            read.policies.count + Set(truth.readerRejects.map { "\($0.file):\($0.line)" }).count == summary.policies)
        #expect(read.records(.endorsement).count == summary.endorsements)
        #expect(read.certificates.count == summary.ledgerCertificates)
        #expect(n == 0 ? summary.policies == 0 : summary.policies > 0)
    }

    /// `REKON_GEN_BENCH=1 swift test -c release --filter benchmark`: one million policies, CSV only.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["REKON_GEN_BENCH"] != nil))
    func benchmarkMillionPoliciesCSV() throws {
        let dir = TempDir("bench")
        defer { dir.remove() }
        let clock = ContinuousClock()
        var summary: WorldSummary?
        let elapsed = try clock.measure {
            summary = try WorldGenerator.generate(WorldOptions(policies: 1_000_000, formats: [.csv]), into: dir.path)
        }
        print(
            "rekon gen: 1000000 policies, csv only: \(elapsed), \(summary!.policies) bank rows, \(summary!.ledgerCertificates) certificates"
        )
    }
}
