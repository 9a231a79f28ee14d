import RekonCore

/// `report.html`: one self-contained page for a finance team. Every text from the data is escaped.
enum HTMLReport {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// 1500000 → "1,500,000".
    static func money(_ v: Int64) -> String {
        let digits = Array(String(v.magnitude).utf8)
        var out: [UInt8] = v < 0 ? [45] : []
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(44) }
            out.append(d)
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func render(_ o: RunOutcome) -> String {
        var h = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
            <title>rekon reconciliation \(o.asOf.iso)</title>
            <style>
            body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222;padding:0 1em}
            h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #ccc}
            table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{padding:.3em .6em;border-bottom:1px solid #eee;text-align:left}
            th{background:#f4f4f4}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
            .tiles{display:flex;gap:1em;flex-wrap:wrap}.tile{border:1px solid #ddd;border-radius:6px;padding:.8em 1.2em;min-width:10em}
            .tile b{display:block;font-size:1.4em}.muted{color:#777}
            </style></head><body>
            <h1>Reconciliation as of \(o.asOf.iso)</h1>
            <p class="muted">\(escape(o.engineVersion)) · inputs: \(o.inputs.count) files</p>

            """
        let total = o.breaks.reduce(Int64(0)) { $0 + $1.amountIDR }
        h += "<div class=\"tiles\">"
        h += tile("Bank policies", "\(o.bankPolicies)")
        h += tile("Ledger certificates", "\(o.ledgerCertificates)")
        h += tile("Matched cleanly", "\(o.matched)")
        h += tile("Match rate", percent(o.matchRate))
        h += tile("Breaks", "\(o.breaks.count)")
        h += tile("Money at stake (IDR)", money(total))
        h += tile("Rejected rows", "\(o.rejectedRows)")
        h += "</div>\n"

        h +=
            "<h2>Inputs</h2><table><tr><th>File</th><th>Kind</th><th>Profile</th><th class=n>Rows</th><th class=n>Accepted</th><th class=n>Rejected</th></tr>\n"
        for f in o.inputs {
            for p in f.parts {
                h +=
                    "<tr><td>\(escape(f.name))</td><td>\(p.kind.rawValue)</td><td>\(escape(p.profile))</td><td class=n>\(p.rows)</td><td class=n>\(p.accepted)</td><td class=n>\(p.rejected)</td></tr>\n"
            }
        }
        h += "</table>\n"

        h +=
            "<h2>Breaks by category</h2><table><tr><th>Category</th><th class=n>Breaks</th><th class=n>Money at stake (IDR)</th></tr>\n"
        for (c, t) in o.byCategory where t.count > 0 {
            h += "<tr><td>\(c.rawValue)</td><td class=n>\(t.count)</td><td class=n>\(money(t.amount))</td></tr>\n"
        }
        h += "</table>\n"

        h += "<h2>Money at stake by kind</h2><table><tr><th>Kind</th><th class=n>IDR</th></tr>\n"
        for (m, a) in o.byMoney {
            h += "<tr><td>\(m.rawValue.replacingUnderscores)</td><td class=n>\(money(a))</td></tr>\n"
        }
        h += "</table>\n"

        let largest = o.breaks.enumerated().sorted { a, b in
            a.element.amountIDR != b.element.amountIDR ? a.element.amountIDR > b.element.amountIDR : a.offset < b.offset
        }.prefix(25).map(\.element).filter { $0.amountIDR > 0 }
        h +=
            "<h2>Largest breaks</h2><table><tr><th>Category</th><th>Bank</th><th>Policy</th><th>Field</th><th>Bank value</th><th>Ledger value</th><th class=n>IDR</th><th>Cause</th><th>Action</th></tr>\n"
        for b in largest {
            h +=
                "<tr><td>\(b.category.rawValue)</td><td>\(escape(b.bankCode))</td><td>\(escape(b.claimRef.isEmpty ? b.policyRef : b.claimRef))</td><td>\(escape(b.field))</td><td>\(escape(b.bankValue))</td><td>\(escape(b.ledgerValue))</td><td class=n>\(money(b.amountIDR))</td><td>\(escape(b.cause))</td><td>\(b.action.rawValue)</td></tr>\n"
        }
        h += "</table>\n"

        h += "<h2>Rejected rows by reason</h2><table><tr><th>Reason</th><th class=n>Problems</th></tr>\n"
        for (r, n) in o.rejectsByReason where n > 0 { h += "<tr><td>\(r.rawValue)</td><td class=n>\(n)</td></tr>\n" }
        h += "</table>\n"

        h += "<h2>Corrections for the ledger</h2><table><tr><th>Action</th><th class=n>Count</th></tr>\n"
        for (a, n) in o.correctionsByAction where n > 0 {
            h += "<tr><td>\(a.rawValue)</td><td class=n>\(n)</td></tr>\n"
        }
        h +=
            "</table>\n<p class=\"muted\">Details: breaks.csv, rejects.csv, corrections/ledger_corrections.csv. NIKs are masked to their last four digits.</p>\n</body></html>\n"
        return h
    }

    static func tile(_ label: String, _ value: String) -> String {
        "<div class=\"tile\"><b>\(escape(value))</b>\(escape(label))</div>"
    }

    static func percent(_ rate: String) -> String {
        // "0.9812" → "98.12 %", in integers.
        let micros = JSONObjectReader.micros(rate) ?? 0
        var out: [UInt8] = []
        FixedPoint.append(micros / 100, scale: 2, to: &out)
        return String(decoding: out, as: UTF8.self) + " %"
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}
