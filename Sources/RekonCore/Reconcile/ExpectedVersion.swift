/// One coverage version of a policy as the bank's events make it, as of the cut-off date: what the
/// ledger's certificate for that version should hold.
public struct ExpectedVersion: Sendable, Equatable {
    public var version: Int
    public var productCode: String
    public var coverageType: String
    public var nik: String
    public var name: String
    public var birthDate: Day
    public var gender: String
    public var loanNo: String
    public var sumInsured: Int64
    public var startDate: Day
    public var endDate: Day
    public var tenorMonths: Int64
    /// The rate the premium is derived from (the product's, else the bank row's).
    public var rate: Rate
    public var premium: Int64
    public var status: String
    public var refund: Int64
    /// The event that set this version's values, e.g. `new business P-1 2026-01-05`.
    public var cause: String
    /// The event that set its status (the same as `cause` while ACTIVE).
    public var statusCause: String
}

/// The insurer's pricing: the rate of a product for a tenor, else the row's own.
public struct Pricing: Sendable {
    public let products: [String: Product]
    public init(products: [String: Product]) { self.products = products }

    public func rate(product: String, tenorMonths: Int64, fallback: Rate) -> Rate {
        products[product]?.rate(tenorMonths: tenorMonths) ?? fallback
    }
}

/// Builds the expected versions of a policy from its new-business row, as of `asOf`.
public struct Replay: Sendable {
    public let pricing: Pricing
    public let asOf: Day

    public init(pricing: Pricing, asOf: Day) {
        self.pricing = pricing
        self.asOf = asOf
    }

    /// Version 1 from the new-business row; a version still ACTIVE past its end date is EXPIRED.
    public func versions(of p: Record) -> [ExpectedVersion] {
        typealias F = PolicyField
        let product = p.text(F.product_code)!, tenor = p.int(F.tenor_months)!
        let rate = pricing.rate(product: product, tenorMonths: tenor, fallback: p.rate(F.premium_rate_permille)!)
        let si = p.int(F.sum_insured)!
        let start = p.day(F.start_date)!
        let cause = "new business \(p.text(F.policy_ref)!) \(start.iso)"
        var v = ExpectedVersion(
            version: 1, productCode: product, coverageType: p.text(F.coverage_type)!, nik: p.text(F.debtor_nik)!,
            name: p.text(F.debtor_name)!, birthDate: p.day(F.debtor_birth_date)!, gender: p.text(F.debtor_gender)!,
            loanNo: p.text(F.loan_no)!, sumInsured: si, startDate: start, endDate: p.day(F.end_date)!,
            tenorMonths: tenor, rate: rate, premium: Money.premium(sumInsured: si, rate: rate), status: "ACTIVE",
            refund: 0, cause: cause, statusCause: cause)
        if v.endDate < asOf {
            v.status = "EXPIRED"
            v.statusCause = "expiry \(v.endDate.iso)"
        }
        return [v]
    }
}
