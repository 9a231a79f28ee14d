/// An insurer's product rules (SPEC §4): its rate, limits, refund method and claim rules.
public struct Product: Sendable, Equatable {
    public struct RateBand: Sendable, Equatable {
        public var maxTenorMonths: Int64
        public var rate: Rate
    }

    public enum RefundMethod: String, Sendable, CaseIterable {
        case PRO_RATA_MONTHS, PRO_RATA_DAYS, RULE_OF_78, NONE
    }

    public struct Refund: Sendable, Equatable {
        public init(method: RefundMethod = .PRO_RATA_MONTHS, shareMicros: Int64 = 1_000_000, adminFee: Int64 = 0) {
            self.method = method
            self.shareMicros = shareMicros
            self.adminFee = adminFee
        }
        public var method = RefundMethod.PRO_RATA_MONTHS
        /// In millionths: 1_000_000 is the whole refund.
        public var shareMicros: Int64 = 1_000_000
        public var adminFee: Int64 = 0
    }

    public struct Claims: Sendable, Equatable {
        public var reportDeadlineDays: Int64 = 180
        /// Document codes a claim of each type needs.
        public var documents: [String: [String]] = [:]
        /// In millionths of the sum insured, per claim type.
        public var benefitShareMicros: [String: Int64] = [:]
    }

    public struct Limits: Sendable, Equatable {
        public var min: Int64?
        public var max: Int64?
        public func contains(_ v: Int64) -> Bool { (min.map { v >= $0 } ?? true) && (max.map { v <= $0 } ?? true) }
        public var text: String {
            switch (min, max) {
            case (let a?, let b?): return "\(a) to \(b)"
            case (let a?, nil): return "at least \(a)"
            case (nil, let b?): return "at most \(b)"
            default: return "any"
            }
        }
    }

    public var code: String
    /// A single rate (one band without a tenor limit) or bands ordered by tenor.
    public var rateBands: [RateBand]
    public var entryAge = Limits()
    public var maxAgeAtMaturity: Int64?
    public var tenorMonths = Limits()
    public var sumInsured = Limits()
    public var refund = Refund()
    public var fullRefundCancelReasons = ["ADMIN_ERROR", "DUPLICATE"]
    public var claims = Claims()

    /// The rate for a tenor: the first band whose max_tenor_months covers it; nil when no band does.
    public func rate(tenorMonths n: Int64) -> Rate? {
        rateBands.first(where: { n <= $0.maxTenorMonths })?.rate
    }
}
