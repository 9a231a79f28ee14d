import RekonCore

/// Everything a run produced, handed to the writers.
public struct RunOutcome: Sendable {
    public var engineVersion: String
    public var asOf: Day
    public var runID: String
    public var configSHA256: String
    public var startedAt: String
    public var durationMilliseconds: Int64 = 0
    public var inputs: [FileReadResult]
    public var breaks: [Break]
    public var corrections: [Correction]
    public var rejects: [Reject]
    /// Accepted bank records by kind, in input order.
    public var policies: [Record]
    public var endorsements: [Record]
    public var claims: [Record]
    public var ledgerCertificates: Int
    public var correctedCertificates: [Record]
    public var correctedClaims: [Record]
    public var bankPolicies: Int
    public var matched: Int
    /// Endorsements dated after the cut-off, not applied.
    public var eventsAfterAsOf = 0

    public init(
        engineVersion: String, asOf: Day, runID: String, configSHA256: String, startedAt: String,
        inputs: [FileReadResult], breaks: [Break], corrections: [Correction], rejects: [Reject],
        policies: [Record], endorsements: [Record], claims: [Record], ledgerCertificates: Int,
        correctedCertificates: [Record], correctedClaims: [Record], bankPolicies: Int, matched: Int
    ) {
        self.engineVersion = engineVersion
        self.asOf = asOf
        self.runID = runID
        self.configSHA256 = configSHA256
        self.startedAt = startedAt
        self.inputs = inputs
        self.breaks = breaks
        self.corrections = corrections
        self.rejects = rejects
        self.policies = policies
        self.endorsements = endorsements
        self.claims = claims
        self.ledgerCertificates = ledgerCertificates
        self.correctedCertificates = correctedCertificates
        self.correctedClaims = correctedClaims
        self.bankPolicies = bankPolicies
        self.matched = matched
    }

    /// The match rate as a decimal with four places, computed in integers: "0.9812".
    public var matchRate: String {
        guard bankPolicies > 0 else { return "0" }
        let scaled = (Int64(matched) * 20_000 / Int64(bankPolicies) + 1) / 2  // rounded half up to 4 places
        var out: [UInt8] = []
        FixedPoint.append(scaled, scale: 4, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    public struct CategoryTotal: Sendable {
        public var count = 0
        public var amount: Int64 = 0
    }

    public var byCategory: [(BreakCategory, CategoryTotal)] {
        var t: [BreakCategory: CategoryTotal] = [:]
        for b in breaks {
            t[b.category, default: CategoryTotal()].count += 1
            t[b.category, default: CategoryTotal()].amount += b.amountIDR
        }
        return BreakCategory.allCases.map { ($0, t[$0] ?? CategoryTotal()) }
    }

    public var byMoney: [(MoneyKind, Int64)] {
        var t: [MoneyKind: Int64] = [:]
        for b in breaks { t[b.money, default: 0] += b.amountIDR }
        return MoneyKind.allCases.filter { $0 != .none }.map { ($0, t[$0] ?? 0) }
    }

    public var rejectsByReason: [(ReasonCode, Int)] {
        var t: [ReasonCode: Int] = [:]
        for r in rejects { t[r.problem.reason, default: 0] += 1 }
        return ReasonCode.allCases.map { ($0, t[$0] ?? 0) }
    }

    public var correctionsByAction: [(CorrectionAction, Int)] {
        var t: [CorrectionAction: Int] = [:]
        for c in corrections { t[c.action, default: 0] += 1 }
        return CorrectionAction.allCases.map { ($0, t[$0] ?? 0) }
    }

    public var rejectedRows: Int { inputs.reduce(0) { $0 + $1.parts.reduce(0) { $0 + $1.rejected } } }
}
