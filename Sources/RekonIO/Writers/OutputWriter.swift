import Dispatch
import Foundation
import RekonCore

/// Writes every output of SPEC §6 into a stage folder.
public struct OutputWriter {
    public static let breakColumns = [
        "break_id", "category", "bank_code", "policy_ref", "claim_ref", "certificate_no",
        "version", "field", "bank_value", "ledger_value", "difference", "amount_idr", "cause", "source", "detail",
    ]
    public static let rejectColumns = [
        "source_file", "line", "kind", "ref", "reason_code", "field", "value", "message",
    ]
    public static let correctionColumns = [
        "correction_id", "action", "certificate_no", "policy_ref", "claim_ref", "field",
        "old_value", "new_value", "break_id",
    ]

    public static func write(_ o: RunOutcome, to stage: OutputStage) throws(RekonError) {
        try stage.makeFolder("canonical")
        try stage.makeFolder("corrections")
        // Independent files are written in parallel, the two large ones first.
        let tasks: [@Sendable () throws -> Void] = [
            { try writeRecords(o.policies, kind: .policy, name: "canonical/policies.csv", stage) },
            {
                try writeRecords(
                    o.correctedCertificates, kind: .ledgerCertificate, name: "corrections/ledger_certificates.csv",
                    stage)
            },
            { try writeBreaksCSV(o, stage) },
            { try writeBreaksJSONL(o, stage) },
            { try writeRejects(o, stage) },
            { try writeRecords(o.endorsements, kind: .endorsement, name: "canonical/endorsements.csv", stage) },
            { try writeRecords(o.claims, kind: .claim, name: "canonical/claims.csv", stage) },
            { try writeCorrections(o, stage) },
            { try writeRecords(o.correctedClaims, kind: .ledgerClaim, name: "corrections/ledger_claims.csv", stage) },
            { try stage.write("summary.json", SummaryJSON.render(o)) },
            { try stage.write("report.html", Array(HTMLReport.render(o).utf8)) },
        ]
        let failures = FirstFailure()
        DispatchQueue.concurrentPerform(iterations: tasks.count) { i in
            do { try tasks[i]() } catch {
                failures.record(i, error as? RekonError ?? RekonError(.output, "\(error)", reason: "write_failed"))
            }
        }
        if let e = failures.first { throw e }
        // The manifest comes last: it lists every other output with its hash.
        try stage.write("manifest.json", ManifestJSON.render(o, outputs: stage.written))
    }

    /// The failure of the lowest-numbered task, so the error reported does not depend on timing.
    final class FirstFailure: @unchecked Sendable {
        private let lock = NSLock()
        private var found: (Int, RekonError)?
        func record(_ i: Int, _ e: RekonError) {
            lock.lock()
            if found == nil || found!.0 > i { found = (i, e) }
            lock.unlock()
        }
        var first: RekonError? { found?.1 }
    }

    /// One CSV file: a header, then a row per element, streamed in 1 MiB pieces.
    static func writeTable<T>(
        _ name: String, mode: CSVLine.Mode, header: [String], rows: [T], _ stage: OutputStage,
        _ cells: (T, inout CSVLine) -> Void
    ) throws(RekonError) {
        let f = try stage.create(name)
        var line = CSVLine(mode: mode, capacity: 1 << 21)
        line.cells(header)
        line.endRow()
        for r in rows {
            cells(r, &line)
            line.endRow()
            if line.bytes.count > 1 << 20 { try f.take(&line) }
        }
        try f.take(&line)
        try stage.finish(f)
    }

    static func writeBreaksCSV(_ o: RunOutcome, _ stage: OutputStage) throws(RekonError) {
        try writeTable("breaks.csv", mode: .report, header: breakColumns, rows: o.breaks, stage) { b, line in
            line.cells([
                b.id, b.category.rawValue, b.bankCode, b.policyRef, b.claimRef, b.certificateNo, "\(b.version)",
                b.field, b.bankValue, b.ledgerValue, b.difference, "\(b.amountIDR)", b.cause, b.source, b.detail,
            ])
        }
    }

    static func writeBreaksJSONL(_ o: RunOutcome, _ stage: OutputStage) throws(RekonError) {
        let f = try stage.create("breaks.jsonl")
        var out: [UInt8] = []
        for b in o.breaks {
            let strings: [(String, String)] = [
                ("break_id", b.id), ("category", b.category.rawValue), ("bank_code", b.bankCode),
                ("policy_ref", b.policyRef), ("claim_ref", b.claimRef), ("certificate_no", b.certificateNo),
            ]
            out.append(UInt8(ascii: "{"))
            for (k, (key, v)) in strings.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.appendString(v, to: &out)
            }
            out.append(contentsOf: Array(",\"version\":".utf8))
            Digits.append(b.version, to: &out)
            for (key, v) in [
                ("field", b.field), ("bank_value", b.bankValue), ("ledger_value", b.ledgerValue),
                ("difference", b.difference),
            ] {
                out.append(UInt8(ascii: ","))
                JSONWriter.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.appendString(v, to: &out)
            }
            out.append(contentsOf: Array(",\"amount_idr\":".utf8))
            Digits.append(b.amountIDR, to: &out)
            for (key, v) in [
                ("cause", b.cause), ("source", b.source), ("detail", b.detail), ("action", b.action.rawValue),
            ] {
                out.append(UInt8(ascii: ","))
                JSONWriter.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                JSONWriter.appendString(v, to: &out)
            }
            out.append(contentsOf: Array("}\n".utf8))
            if out.count > 1 << 20 {
                try f.write(out)
                out.removeAll(keepingCapacity: true)
            }
        }
        try f.write(out)
        try stage.finish(f)
    }

    static func writeRejects(_ o: RunOutcome, _ stage: OutputStage) throws(RekonError) {
        try writeTable("rejects.csv", mode: .report, header: rejectColumns, rows: o.rejects, stage) { r, line in
            line.cells([
                o.inputs[Int(r.source.file)].name, "\(r.source.line)", r.kind.rawValue, r.ref,
                r.problem.reason.rawValue,
                r.problem.field, r.problem.value, r.problem.message,
            ])
        }
    }

    /// A kind's records in its standard layout (the canonical field names as the header).
    public static func writeRecords(_ records: [Record], kind: RecordKind, name: String, _ stage: OutputStage)
        throws(RekonError)
    {
        try writeTable(name, mode: .data, header: kind.fields.map(\.name), rows: records, stage) { r, line in
            for i in 0..<r.values.count { r.values.withBytes(i) { line.cell($0) } }
        }
    }

    static func writeCorrections(_ o: RunOutcome, _ stage: OutputStage) throws(RekonError) {
        try writeTable(
            "corrections/ledger_corrections.csv", mode: .data, header: correctionColumns, rows: o.corrections, stage
        ) { c, line in
            line.cells([
                c.id, c.action.rawValue, c.certificateNo, c.policyRef, c.claimRef, c.field, c.oldValue, c.newValue,
                c.breakID,
            ])
        }
    }
}
