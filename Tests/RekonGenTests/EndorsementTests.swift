import Foundation
import RekonCore
import RekonGen
import RekonIO
import Testing

/// The endorsements of a world: valid rows, and the faults planted in them. That clean endorsements make no
/// break (the ledger holds what rekon's replay makes of them) is checked end to end in GeneratedWorldTests.
@Suite struct EndorsementTests {
    typealias E = EndorsementField
    typealias L = LedgerCertificateField

    static func world(_ label: String, _ options: WorldOptions = WorldOptions()) throws -> (TempDir, WorldSummary) {
        let dir = TempDir(label)
        var options = options
        options.claims = false
        return (dir, try WorldGenerator.generate(options, into: dir.path))
    }

    @Test func everyEndorsementRowPassesTheRowRules() throws {
        let (dir, summary) = try Self.world("end-rows")
        defer { dir.remove() }
        let read = try WorldReading(world: dir.path)
        let parts = read.files.flatMap { f in f.parts.filter { $0.kind == .endorsement }.map { (f.name, $0) } }
        #expect(
            parts.map(\.0).sorted() == ["BKA_END_20260630.csv", "BKB_END_20260630.csv.gz", "BKC_DROP_20260630.xml"])
        for (name, p) in parts {
            #expect(p.rows > 0, "\(name)")
            #expect(p.rejected == 0 && p.accepted == p.rows, "\(name): \(p.rejected) endorsement rows rejected")
        }
        let rows = read.records(.endorsement)
        #expect(rows.count == summary.endorsements)
        #expect(Set(rows.compactMap { $0.text(E.endorsement_type) }) == Set(Codes.endorsementType))
        #expect(Set(rows.compactMap { $0.text(E.cancel_reason) }) == Set(Codes.cancelReason))
        #expect(Set(rows.map { $0.text(E.endorsement_ref)! }).count == rows.count, "endorsement refs are unique")
        // About a fifth of the policies have endorsements.
        let share = Double(Set(rows.map { $0.text(E.policy_ref)! }).count) / Double(read.policies.count)
        #expect(share > 0.15 && share < 0.25, "\(share)")
    }

    @Test func everyEndorsementFaultAppearsTwice() throws {
        let (dir, _) = try Self.world("end-faults")
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let byPolicy = Dictionary(grouping: truth.breaks) { "\($0.bank)|\($0.ref)" }
        func policies(_ signature: Set<String>) -> [String] {
            byPolicy.filter { Set($0.value.map { "\($0.category)|\($0.version)|\($0.field)" }) == signature }.map(\.key)
        }
        let topUpMissed = policies([
            "STATUS_MISMATCH|1|status", "REFUND_MISMATCH|1|refund_amount", "MISSING_IN_LEDGER|2|",
        ])
        let settlementMissed = policies(["STATUS_MISMATCH|1|status", "REFUND_MISMATCH|1|refund_amount"])
        let refund = policies(["REFUND_MISMATCH|1|refund_amount"])
        let name = policies(["FIELD_MISMATCH|1|debtor_name"])
        let topUpPremium = policies(["PREMIUM_MISCALCULATED|2|bank.premium_amount"])
        let unknown = policies(["MISSING_IN_BANK|0|endorsement_ref"])
        #expect(topUpMissed.count >= 2)
        #expect(settlementMissed.count >= 2)
        #expect(refund.count >= 4, "the ledger's refund faults and the wrong endorsement refunds")
        #expect(name.count >= 4, "the ledger's name typos and the DATA_CHANGEs not applied")
        #expect(topUpPremium.count >= 2)
        #expect(unknown.count >= 2)
        #expect(unknown.allSatisfy { $0.contains("-Q-") })
        for group in [topUpMissed, settlementMissed, topUpPremium, unknown] {
            #expect(Set(group.map { String($0.prefix(3)) }).count >= 2, "\(group) is at one bank only")
        }
        let rejects = truth.rejects.filter(\.isEndorsementReject)
        #expect(rejects.count >= 2 && Set(rejects.map(\.file)).count >= 2)
        #expect(truth.endorsementsAfterAsOf >= 2)
    }

    /// The endorsement rejects point at accepted rows effective before their policy starts; the rows dated after
    /// the cut-off are as many as truth.json counts.
    @Test func rejectsAndLateEndorsementsAreWhereTruthSays() throws {
        let (dir, _) = try Self.world("end-rejects", WorldOptions(policies: 3_000, seed: 5))
        defer { dir.remove() }
        let truth = try Truth(dir.file("truth.json"))
        let read = try WorldReading(world: dir.path)
        var starts: [String: Day] = [:]
        for p in read.policies { starts[p.text(PolicyField.policy_ref)!] = p.day(PolicyField.start_date)! }
        let asOf = read.config.asOf!
        var early: [RejectID] = []
        var late = 0
        for e in read.records(.endorsement) {
            let eff = e.day(E.effective_date)!
            if eff > asOf { late += 1 }
            if let start = starts[e.text(E.policy_ref)!], eff < start, eff <= asOf {
                early.append(
                    RejectID(
                        file: read.files[Int(e.source.file)].name, line: Int(e.source.line),
                        reason: "INCONSISTENT_DATES", field: "effective_date"))
            }
        }
        #expect(early.sorted() == truth.rejects.filter(\.isEndorsementReject).sorted())
        #expect(!early.isEmpty)
        #expect(late == truth.endorsementsAfterAsOf)
    }
}
