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

/// Builds the expected versions of a policy from its new-business row, as of `asOf`.
public struct Replay: Sendable {
    public let pricing: Pricing
    public let asOf: Day

    public init(pricing: Pricing, asOf: Day) {
        self.pricing = pricing
        self.asOf = asOf
    }

    typealias P = PolicyField
    typealias L = LedgerCertificateField

    /// The fields a certificate takes over from the new-business row as they are.
    static let copied: [(P, L)] = [
        (.policy_ref, .policy_ref), (.bank_code, .bank_code), (.product_code, .product_code),
        (.coverage_type, .coverage_type), (.debtor_nik, .debtor_nik), (.debtor_name, .debtor_name),
        (.debtor_birth_date, .debtor_birth_date), (.debtor_gender, .debtor_gender), (.loan_no, .loan_no),
        (.sum_insured, .sum_insured), (.start_date, .start_date), (.end_date, .end_date),
        (.tenor_months, .tenor_months),
    ]

    /// Version 1 from the new-business row; a version still ACTIVE past its end date is EXPIRED.
    public func versions(of p: Record) -> [ExpectedVersion] {
        let tenor = p.int(P.tenor_months)!
        let rate = pricing.rate(
            product: p.text(P.product_code)!, tenorMonths: tenor, fallback: p.rate(P.premium_rate_permille)!)
        let si = p.int(P.sum_insured)!
        let start = p.day(P.start_date)!
        let end = p.day(P.end_date)!
        var c = FieldValues(kind: .ledgerCertificate)
        for (from, to) in Replay.copied { p.values.withBytes(from.rawValue) { c.setBytes(to.rawValue, $0) } }
        let premium = Money.premium(sumInsured: si, rate: rate)
        c.setField(L.premium_amount.rawValue) { Digits.append(premium, to: &$0) }
        let expired = end < asOf
        c.setBytes(L.status.rawValue, expired ? Replay.expiredBytes : Replay.activeBytes)
        c.setBytes(L.refund_amount.rawValue, Replay.zero)
        let cause = Cause(.newBusiness, ref: p.text(P.policy_ref)!, date: start)
        return [
            ExpectedVersion(
                version: 1, certificate: c, rate: rate, cause: cause,
                statusCause: expired ? Cause(.expiry, ref: "", date: end) : cause)
        ]
    }

    static let activeBytes = Array("ACTIVE".utf8), expiredBytes = Array("EXPIRED".utf8), zero = Array("0".utf8)
}
