/// `rekon.json`: the run's settings (every CLI flag has a key) and the insurer's rules.
public struct Config: Sendable, Equatable {
    public var bank: [String] = []
    public var ledger: [String] = []
    public var out: String?
    public var profiles: String?
    public var asOf: Day?
    public var failOnBreaks = false
    public var products: [String: Product] = [:]
    /// Tolerance in rupiah per amount field; `*` applies to every amount field without its own.
    public var toleranceIDR: [String: Int64] = [:]
    /// Limits on gzip inputs.
    public var maxInflatedBytes: Int64 = 64 << 30
    public var maxInflateRatio: Int64 = 1_000

    public init() {}

    public func tolerance(_ field: String) -> Int64 { toleranceIDR[field] ?? toleranceIDR["*"] ?? 0 }

    public static let amountFields = ["sum_insured", "premium_amount", "refund_amount", "claim_amount", "paid_amount"]

    /// Parses a config file's text; relative paths are kept as written (the caller resolves them).
    public static func load(json bytes: [UInt8], origin: String) throws(ConfigError) -> Config {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw ConfigError(file: origin, line: error.line, key: "", message: error.message)
        }
        var o = try JSONObjectReader(root, file: origin, path: "")
        var c = Config()
        c.bank = try paths(&o, "bank")
        c.ledger = try paths(&o, "ledger")
        c.out = try o.string("out")
        c.profiles = try o.string("profiles")
        if let a = try o.string("as_of") {
            guard let d = Day.parseISO(a) else { throw o.error("as_of", "must be a date YYYY-MM-DD, found \"\(a)\"") }
            c.asOf = d
        }
        c.failOnBreaks = try o.bool("fail_on_breaks") ?? false
        if let n = o.node("tolerance_idr") {
            switch n.value {
            case .number:
                c.toleranceIDR["*"] = try o.integer("tolerance_idr", min: 0)
            case .object:
                var t = try JSONObjectReader(n, file: origin, path: "tolerance_idr")
                for k in t.keys {
                    guard amountFields.contains(k) || k == "*" else {
                        throw t.error(
                            k, "is not an amount field; use one of \(amountFields.joined(separator: ", ")) or \"*\"")
                    }
                    c.toleranceIDR[k] = try t.integer(k, min: 0)
                }
                try t.finish()
            default:
                throw o.error("tolerance_idr", "expected a number of rupiah or an object of them per amount field")
            }
        }
        if let v = try o.integer("max_inflated_bytes", min: 1) { c.maxInflatedBytes = v }
        if let v = try o.integer("max_inflate_ratio", min: 1) { c.maxInflateRatio = v }
        if var p = try o.object("products") {
            for code in p.keys {
                guard var po = try p.object(code) else { continue }
                c.products[RowDecoder.upper(code)] = try product(&po, code: RowDecoder.upper(code))
            }
            try p.finish()
        }
        try o.finish(allowed: ["$schema", "comment"])
        return c
    }

    static func paths(_ o: inout JSONObjectReader, _ key: String) throws(ConfigError) -> [String] {
        guard let n = o.node(key) else { return [] }
        if case .string(let s) = n.value { return [s] }
        return try o.stringArray(key) ?? []
    }

    static func limits(_ o: inout JSONObjectReader, _ key: String) throws(ConfigError) -> Product.Limits {
        guard var l = try o.object(key) else { return Product.Limits() }
        let r = Product.Limits(min: try l.integer("min", min: 0), max: try l.integer("max", min: 0))
        try l.finish()
        if let a = r.min, let b = r.max, a > b { throw o.error(key, "min is greater than max") }
        return r
    }

    static func rate(_ o: JSONObjectReader, _ key: String, _ s: String) throws(ConfigError) -> Rate {
        guard let m = JSONObjectReader.micros(s), m >= 0 else {
            throw o.error(key, "must be a rate per mille with at most 6 decimals, found \(s)")
        }
        return Rate(micros: m)
    }

    static func product(_ o: inout JSONObjectReader, code: String) throws(ConfigError) -> Product {
        var p = Product(code: code, rateBands: [])
        guard let rn = o.node("rate_permille") else { throw o.error("rate_permille", "is required") }
        switch rn.value {
        case .number(let s):
            p.rateBands = [.init(maxTenorMonths: Int64.max, rate: try rate(o, "rate_permille", s))]
        case .array(let items):
            var last: Int64 = 0
            for (k, item) in items.enumerated() {
                var b = try JSONObjectReader(item, file: o.file, path: o.keyPath("rate_permille[\(k)]"))
                guard let maxT = try b.integer("max_tenor_months", min: 1) else {
                    throw b.error("max_tenor_months", "is required")
                }
                guard let r = try b.number("rate_permille") else { throw b.error("rate_permille", "is required") }
                guard maxT > last else {
                    throw b.error("max_tenor_months", "bands must be in increasing order of tenor")
                }
                last = maxT
                p.rateBands.append(.init(maxTenorMonths: maxT, rate: try rate(b, "rate_permille", r)))
                try b.finish()
            }
            if p.rateBands.isEmpty { throw o.error("rate_permille", "needs at least one band") }
        default:
            throw o.error("rate_permille", "expected a number or an array of tenor bands")
        }
        p.entryAge = try limits(&o, "entry_age")
        p.maxAgeAtMaturity = try o.integer("max_age_at_maturity", min: 1)
        p.tenorMonths = try limits(&o, "tenor_months")
        p.sumInsured = try limits(&o, "sum_insured")
        if var r = try o.object("refund") {
            if let m = try r.string("method") {
                guard let method = Product.RefundMethod(rawValue: m) else {
                    throw r.error(
                        "method",
                        "must be one of \(Product.RefundMethod.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                p.refund.method = method
            }
            if let s = try r.micros("share") {
                guard s >= 0 && s <= 1_000_000 else { throw r.error("share", "must be from 0 to 1") }
                p.refund.shareMicros = s
            }
            if let f = try r.integer("admin_fee", min: 0) { p.refund.adminFee = f }
            try r.finish()
        }
        if let reasons = try o.stringArray("full_refund_cancel_reasons") {
            for x in reasons where !Codes.cancelReason.contains(x) {
                throw o.error(
                    "full_refund_cancel_reasons", "\"\(x)\" is not one of \(Codes.cancelReason.joined(separator: ", "))"
                )
            }
            p.fullRefundCancelReasons = reasons
        }
        if var cl = try o.object("claims") {
            if let d = try cl.integer("report_deadline_days", min: 0) { p.claims.reportDeadlineDays = d }
            if var docs = try cl.object("documents") {
                for t in docs.keys {
                    guard Codes.claimType.contains(t) else {
                        throw docs.error(t, "is not a claim type (\(Codes.claimType.joined(separator: ", ")))")
                    }
                    p.claims.documents[t] = (try docs.stringArray(t) ?? []).map(RowDecoder.upper)
                }
                try docs.finish()
            }
            if var bs = try cl.object("benefit_share") {
                for t in bs.keys {
                    guard Codes.claimType.contains(t) else {
                        throw bs.error(t, "is not a claim type (\(Codes.claimType.joined(separator: ", ")))")
                    }
                    guard let v = try bs.micros(t), v >= 0 else { continue }
                    p.claims.benefitShareMicros[t] = v
                }
                try bs.finish()
            }
            try cl.finish()
        }
        try o.finish(allowed: ["name", "comment"])
        return p
    }
}
