import RekonCore

/// A small pretty-printing JSON writer with keys in the order written, for byte-stable documents.
struct JSONBuilder {
    var out: [UInt8] = []
    private var depth = 0
    private var needsComma = [false]

    private mutating func newline() {
        out.append(10)
        for _ in 0..<depth {
            out.append(32)
            out.append(32)
        }
    }

    private mutating func prefix(_ key: String?) {
        if needsComma[needsComma.count - 1] { out.append(UInt8(ascii: ",")) }
        needsComma[needsComma.count - 1] = true
        if depth > 0 { newline() }
        if let key {
            JSONWriter.appendString(key, to: &out)
            out.append(contentsOf: [UInt8(ascii: ":"), 32])
        }
    }

    mutating func open(_ key: String? = nil, array: Bool = false) {
        prefix(key)
        out.append(array ? UInt8(ascii: "[") : UInt8(ascii: "{"))
        depth += 1
        needsComma.append(false)
    }

    mutating func close(array: Bool = false) {
        let had = needsComma.removeLast()
        depth -= 1
        if had { newline() }
        out.append(array ? UInt8(ascii: "]") : UInt8(ascii: "}"))
        if depth == 0 { out.append(10) }
    }

    mutating func string(_ key: String?, _ v: String) {
        prefix(key)
        JSONWriter.appendString(v, to: &out)
    }

    mutating func int(_ key: String?, _ v: Int64) {
        prefix(key)
        Digits.append(v, to: &out)
    }

    mutating func int(_ key: String?, _ v: Int) { int(key, Int64(v)) }

    /// A number given as its exact decimal text.
    mutating func number(_ key: String?, _ literal: String) {
        prefix(key)
        out.append(contentsOf: Array(literal.utf8))
    }

    mutating func bool(_ key: String?, _ v: Bool) {
        prefix(key)
        out.append(contentsOf: Array((v ? "true" : "false").utf8))
    }

    mutating func null(_ key: String?) {
        prefix(key)
        out.append(contentsOf: Array("null".utf8))
    }
}

/// `summary.json`: inputs, counts and money per category, match rate, control totals, duration.
enum SummaryJSON {
    static func render(_ o: RunOutcome) -> [UInt8] {
        var j = JSONBuilder()
        j.open()
        j.string("engine_version", o.engineVersion)
        j.string("as_of", o.asOf.iso)
        j.open("inputs", array: true)
        for f in o.inputs {
            for p in f.parts {
                j.open()
                j.string("file", f.name)
                j.string("sha256", f.sha256)
                j.string("kind", p.kind.rawValue)
                j.string("profile", p.profile)
                j.bool("gzip", f.isGzip)
                j.int("rows", p.rows)
                j.int("accepted", p.accepted)
                j.int("rejected", p.rejected)
                if let c = p.control {
                    j.open("control_totals")
                    j.int("declared_rows", c.declaredRows)
                    j.int("counted_rows", c.countedRows)
                    j.open("sums")
                    for s in c.sums {
                        j.open(s.field)
                        j.int("declared", s.declared)
                        j.int("counted", s.counted)
                        j.close()
                    }
                    j.close()
                    j.close()
                } else {
                    j.null("control_totals")
                }
                j.close()
            }
        }
        j.close(array: true)
        j.open("policies")
        j.int("bank", o.bankPolicies)
        j.int("ledger_certificates", o.ledgerCertificates)
        j.int("matched", o.matched)
        j.number("match_rate", o.matchRate)
        j.close()
        j.open("breaks")
        j.int("total", o.breaks.count)
        j.int("amount_idr", o.breaks.reduce(0) { $0 + $1.amountIDR })
        j.open("by_category")
        for (c, t) in o.byCategory {
            j.open(c.rawValue)
            j.int("count", t.count)
            j.int("amount_idr", t.amount)
            j.close()
        }
        j.close()
        j.open("amount_idr_by_money")
        for (m, a) in o.byMoney { j.int(m.rawValue, a) }
        j.close()
        j.close()
        j.open("rejects")
        j.int("rows", o.rejectedRows)
        j.int("problems", o.rejects.count)
        j.open("by_reason")
        for (r, n) in o.rejectsByReason { j.int(r.rawValue, n) }
        j.close()
        j.close()
        j.open("corrections")
        j.int("total", o.corrections.count)
        j.open("by_action")
        for (a, n) in o.correctionsByAction { j.int(a.rawValue, n) }
        j.close()
        j.close()
        j.int("endorsements_after_as_of", o.eventsAfterAsOf)
        j.open("run")
        j.string("run_id", o.runID)
        j.string("started_at", o.startedAt)
        j.int("duration_ms", o.durationMilliseconds)
        j.close()
        j.close()
        return j.out
    }
}

/// `manifest.json`: engine version, config hash, inputs and outputs with SHA-256, as_of, run id.
enum ManifestJSON {
    static func render(_ o: RunOutcome, outputs: [(name: String, sha256: String, bytes: Int64)]) -> [UInt8] {
        var j = JSONBuilder()
        j.open()
        j.string("engine_version", o.engineVersion)
        j.string("run_id", o.runID)
        j.string("started_at", o.startedAt)
        j.string("as_of", o.asOf.iso)
        j.string("config_sha256", o.configSHA256)
        j.open("inputs", array: true)
        for f in o.inputs {
            j.open()
            j.string("file", f.path)
            j.string("sha256", f.sha256)
            j.int("bytes", f.bytes)
            j.close()
        }
        j.close(array: true)
        j.open("outputs", array: true)
        for f in outputs.sorted(by: { $0.name < $1.name }) {
            j.open()
            j.string("file", f.name)
            j.string("sha256", f.sha256)
            j.int("bytes", f.bytes)
            j.close()
        }
        j.close(array: true)
        j.close()
        return j.out
    }
}
