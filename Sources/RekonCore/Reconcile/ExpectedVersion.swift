/// The event that set an expected value, named in a break's `cause`.
public struct Cause: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case newBusiness = "new business"
        case endorsement
        case claim
        case expiry
    }
    public var kind: Kind
    public var ref: String
    /// The endorsement or claim type, if any.
    public var type: String
    public var date: Day

    public init(_ kind: Kind, ref: String, type: String = "", date: Day) {
        self.kind = kind
        self.ref = ref
        self.type = type
        self.date = date
    }

    /// `new business P-1 2026-01-05`, `endorsement E-77 TOP_UP 2026-05-01`, `expiry 2029-01-05`.
    public var text: String {
        switch kind {
        case .expiry: return "expiry \(date.iso)"
        default:
            return type.isEmpty ? "\(kind.rawValue) \(ref) \(date.iso)" : "\(kind.rawValue) \(ref) \(type) \(date.iso)"
        }
    }
}

/// One coverage version of a policy as the bank's events make it, as of the cut-off date: the
/// certificate the ledger should hold for it, in the ledger's own layout.
public struct ExpectedVersion: Sendable, Equatable {
    public var version: Int
    /// The expected certificate (certificate_no empty until one is issued).
    public var certificate: FieldValues
    /// The rate the premium is derived from (the product's, else the bank row's).
    public var rate: Rate
    /// The event that set this version's values.
    public var cause: Cause
    /// The event that set its status (the same as `cause` while ACTIVE).
    public var statusCause: Cause
    /// The bank's own refund figure for the event that ended this version, when it gave one.
    public var bankRefund: Int64?
    /// The premium the bank stated for this version (the new business row's, or a top-up's
    /// new_premium_amount), when it gave one; checked against the rate-derived premium.
    public var statedPremium: Int64?
    /// Where the bank row that set this version is (the policy's, or the endorsement's).
    public var source: SourceLocation

    typealias L = LedgerCertificateField
    public var sumInsured: Int64 { certificate.int(L.sum_insured.rawValue)! }
    public var premium: Int64 { certificate.int(L.premium_amount.rawValue)! }
    public var startDate: Day { certificate.day(L.start_date.rawValue)! }
    public var endDate: Day { certificate.day(L.end_date.rawValue)! }
    public var status: String { certificate.text(L.status.rawValue)! }
}

/// The insurer's pricing: the rate of a product for a tenor, else the row's own.
public struct Pricing: Sendable {
    public let products: [String: Product]
    public init(products: [String: Product]) { self.products = products }

    public func rate(product: String, tenorMonths: Int64, fallback: Rate) -> Rate {
        if products.isEmpty { return fallback }
        return products[product]?.rate(tenorMonths: tenorMonths) ?? fallback
    }
}

/// What the replay of one policy produced besides its versions.
public struct ReplayNotes: Sendable {
    public init() {}

    /// Endorsements dated after the cut-off, not applied.
    public var afterAsOf = 0
    /// Endorsements that cannot apply: effective before the policy starts (INCONSISTENT_DATES).
    public var rejected: [(Record, RowProblem)] = []
    /// Endorsements that came after the policy had ended, not applied.
    public var afterEnd: [Record] = []
}

/// Replays a policy's history as of the cut-off date (SPEC §4): the new-business row opens version 1;
/// endorsements with effective_date ≤ as_of apply in order of (effective_date, endorsement_ref).
public struct Replay: Sendable {
    public let pricing: Pricing
    public let asOf: Day

    public init(pricing: Pricing, asOf: Day) {
        self.pricing = pricing
        self.asOf = asOf
    }

    typealias P = PolicyField
    typealias E = EndorsementField
    typealias L = LedgerCertificateField

    /// The fields a certificate takes over from the new-business row as they are.
    static let copied: [(P, L)] = [
        (.policy_ref, .policy_ref), (.bank_code, .bank_code), (.product_code, .product_code),
        (.coverage_type, .coverage_type), (.debtor_nik, .debtor_nik), (.debtor_name, .debtor_name),
        (.debtor_birth_date, .debtor_birth_date), (.debtor_gender, .debtor_gender), (.loan_no, .loan_no),
        (.sum_insured, .sum_insured), (.start_date, .start_date), (.end_date, .end_date),
        (.tenor_months, .tenor_months),
    ]

    /// The debtor fields a DATA_CHANGE may overwrite, with the certificate field each lands in.
    static let dataChange: [(E, L)] = [
        (.new_debtor_name, .debtor_name), (.new_debtor_birth_date, .debtor_birth_date),
        (.new_debtor_gender, .debtor_gender),
    ]

    static let activeBytes = Array("ACTIVE".utf8), expiredBytes = Array("EXPIRED".utf8), zero = Array("0".utf8)

    /// The versions of a policy after its endorsements and claims (any order; they are sorted here). An
    /// APPROVED or PAID claim ends the version in force at its loss date as CLAIMED.
    public func versions(
        of p: Record, endorsements: [Record], claims: [Record] = [], notes: inout ReplayNotes
    ) -> [ExpectedVersion] {
        let product = pricing.products[p.text(P.product_code)!]
        let rule = product?.refund ?? Product.Refund()
        let fullRefund = product?.fullRefundCancelReasons ?? ["ADMIN_ERROR", "DUPLICATE"]
        let tenor = p.int(P.tenor_months)!
        let ownRate = p.rate(P.premium_rate_permille)!
        let rate = pricing.rate(product: p.text(P.product_code)!, tenorMonths: tenor, fallback: ownRate)
        let si = p.int(P.sum_insured)!
        let start = p.day(P.start_date)!
        var c = FieldValues(kind: .ledgerCertificate)
        for (from, to) in Replay.copied { p.values.withBytes(from.rawValue) { c.setBytes(to.rawValue, $0) } }
        let premium = Money.premium(sumInsured: si, rate: rate)
        c.setField(L.premium_amount.rawValue) { Digits.append(premium, to: &$0) }
        c.setBytes(L.status.rawValue, Replay.activeBytes)
        c.setBytes(L.refund_amount.rawValue, Replay.zero)
        let cause = Cause(.newBusiness, ref: p.text(P.policy_ref)!, date: start)
        var versions = [
            ExpectedVersion(
                version: 1, certificate: c, rate: rate, cause: cause, statusCause: cause,
                statedPremium: p.int(P.premium_amount), source: p.source)
        ]
        typealias C = ClaimField
        // Events in order of date, endorsements before claims on one day, then by ref.
        var events: [(date: Day, claim: Bool, ref: String, row: Record)] = []
        for e in endorsements { events.append((e.day(E.effective_date)!, false, e.text(E.endorsement_ref)!, e)) }
        for c in claims where c.text(C.status) == "APPROVED" || c.text(C.status) == "PAID" {
            events.append((c.day(C.loss_date)!, true, c.text(C.claim_ref)!, c))
        }
        events.sort { a, b in a.date != b.date ? a.date < b.date : a.claim != b.claim ? !a.claim : a.ref < b.ref }
        for event in events {
            if event.claim {
                var v = versions[versions.count - 1]
                let loss = event.date
                if loss <= asOf && v.status == "ACTIVE" && versions[0].startDate <= loss && v.startDate <= loss
                    && loss < v.endDate
                {
                    v.certificate.setText(L.status.rawValue, "CLAIMED")
                    v.statusCause = Cause(.claim, ref: event.ref, type: event.row.text(C.claim_type)!, date: loss)
                    versions[versions.count - 1] = v
                }
                continue
            }
            let e = event.row
            let eff = e.day(E.effective_date)!
            if eff > asOf {
                notes.afterAsOf += 1
                continue
            }
            if eff < start {
                notes.rejected.append(
                    (
                        e,
                        RowProblem(
                            .INCONSISTENT_DATES, field: "effective_date", value: eff.iso,
                            message: "effective_date is before the policy's start_date \(start.iso)")
                    ))
                continue
            }
            var v = versions[versions.count - 1]
            // A version that has ended, or run out of cover by this date, takes no more events.
            guard v.status == "ACTIVE" && eff < v.endDate else {
                notes.afterEnd.append(e)
                continue
            }
            let type = e.text(E.endorsement_type)!
            let ev = Cause(.endorsement, ref: e.text(E.endorsement_ref)!, type: type, date: eff)
            func refundAt(_ d: Day) -> Int64 {
                Refund.amount(
                    premium: v.premium, tenorMonths: v.certificate.int(L.tenor_months.rawValue)!,
                    start: v.startDate, end: v.endDate, at: d, rule: rule)
            }
            func end(_ status: String, refund: Int64) {
                v.certificate.setText(L.status.rawValue, status)
                v.certificate.setField(L.refund_amount.rawValue) { Digits.append(refund, to: &$0) }
                v.certificate.setText(L.last_endorsement_ref.rawValue, ev.ref)
                v.statusCause = ev
                v.bankRefund = e.int(E.refund_amount)
            }
            switch type {
            case "DATA_CHANGE":
                for (from, to) in Replay.dataChange where !e.values.isAbsent(from.rawValue) {
                    e.values.withBytes(from.rawValue) { v.certificate.setBytes(to.rawValue, $0) }
                }
                v.certificate.setText(L.last_endorsement_ref.rawValue, ev.ref)
                v.cause = ev
                versions[versions.count - 1] = v
            case "TOP_UP":
                let elapsed = Refund.elapsedMonths(start: v.startDate, at: eff)
                let left = max(1, v.certificate.int(L.tenor_months.rawValue)! - elapsed)
                let newTenor = e.int(E.new_tenor_months) ?? left
                let newSI = e.int(E.new_sum_insured)!
                let newRate = pricing.rate(product: p.text(P.product_code)!, tenorMonths: newTenor, fallback: ownRate)
                var next = v
                end("REPLACED", refund: refundAt(eff))
                versions[versions.count - 1] = v
                next.version = v.version + 1
                next.rate = newRate
                next.cause = ev
                next.statusCause = ev
                next.bankRefund = nil
                next.statedPremium = e.int(E.new_premium_amount)
                next.source = e.source
                next.certificate.setField(L.start_date.rawValue) { eff.appendISO(to: &$0) }
                next.certificate.setField(L.end_date.rawValue) { eff.addingMonths(Int(newTenor)).appendISO(to: &$0) }
                next.certificate.setField(L.tenor_months.rawValue) { Digits.append(newTenor, to: &$0) }
                next.certificate.setField(L.sum_insured.rawValue) { Digits.append(newSI, to: &$0) }
                let newPremium = Money.premium(sumInsured: newSI, rate: newRate)
                next.certificate.setField(L.premium_amount.rawValue) { Digits.append(newPremium, to: &$0) }
                next.certificate.setBytes(L.status.rawValue, Replay.activeBytes)
                next.certificate.setBytes(L.refund_amount.rawValue, Replay.zero)
                next.certificate.setText(L.last_endorsement_ref.rawValue, ev.ref)
                versions.append(next)
            case "EARLY_SETTLEMENT":
                end("SETTLED", refund: refundAt(eff))
                versions[versions.count - 1] = v
            default:  // CANCELLATION
                let reason = e.text(E.cancel_reason) ?? "OTHER"
                end("CANCELLED", refund: fullRefund.contains(reason) ? v.premium : refundAt(eff))
                versions[versions.count - 1] = v
            }
        }
        var last = versions[versions.count - 1]
        if last.status == "ACTIVE" && last.endDate < asOf {
            last.certificate.setBytes(L.status.rawValue, Replay.expiredBytes)
            last.statusCause = Cause(.expiry, ref: "", date: last.endDate)
            versions[versions.count - 1] = last
        }
        return versions
    }
}
