import RekonCore

/// One kind of injected fault. Each fault goes on its own clean policy and makes exactly the rejects
/// or breaks listed for it (see `expectedBreaks` and `reject`).
enum FaultKind: Int, CaseIterable, Sendable {
    // Rejected bank rows: one problem each.
    case missingField, badNumber, badDate, badCode, badNik, nikMismatch, inconsistentDates, outOfLimits,
        unknownProduct, badRow
    // Presence and duplicates.
    case missingInLedger, missingInBank, duplicateRef, duplicateLoan, duplicateInLedger
    // One ledger field off.
    case ledgerName, ledgerBirthDate, ledgerGender, ledgerNik, ledgerStartDate, ledgerEndDate, ledgerTenor,
        ledgerSumInsured
    // Premiums, status, refund.
    case bankPremium, ledgerPremium, statusCancelled, statusActive, refund
    // Endorsements (see `WorldModel.endorsements(of:fault:)`): the ledger did not apply a DATA_CHANGE, a
    // TOP_UP or an EARLY_SETTLEMENT, or got a refund wrong; the bank's top-up premium is off; an endorsement
    // effective before its policy starts (a reject), for a policy nobody holds, or dated after the cut-off
    // (no break: counted in summary.json).
    case endDataChangeMissed, endTopUpMissed, endRefundWrong, endSettlementMissed, endTopUpPremium,
        endBeforeStart, endUnknownPolicy, endAfterAsOf
    // Claims (see `WorldModel.claim(of:fault:)`): the ledger lacks the bank's claim, or has one the bank never
    // sent, or differs in status or paid amount; a claim type the coverage does not give, a loss after the
    // policy expired, a late report, an APPROVED claim short of a document; a loss before the policy starts (a
    // reject).
    case clmMissingInLedger, clmMissingInBank, clmStatus, clmPaidAmount, clmWrongType, clmAfterEnd,
        clmLateReport, clmDocuments, clmBeforeStart

    /// The reject a faulty bank row makes: reason and field.
    var reject: (reason: ReasonCode, field: String)? {
        switch self {
        case .missingField: return (.MISSING_FIELD, "debtor_name")
        case .badNumber: return (.BAD_NUMBER, "sum_insured")
        case .badDate: return (.BAD_DATE, "debtor_birth_date")
        case .badCode: return (.BAD_CODE, "coverage_type")
        case .badNik: return (.BAD_NIK, "debtor_nik")
        case .nikMismatch: return (.NIK_MISMATCH, "debtor_nik")
        case .inconsistentDates: return (.INCONSISTENT_DATES, "end_date")
        case .outOfLimits: return (.OUT_OF_LIMITS, "sum_insured")
        case .unknownProduct: return (.UNKNOWN_PRODUCT, "product_code")
        case .badRow: return (.BAD_ROW, "")
        default: return nil
        }
    }

    /// Faults that only a CSV layout can carry (a non-number has no place in an XML trailer; a row with
    /// a field too many is a CSV notion).
    var csvOnly: Bool { self == .badNumber || self == .badRow }

    var force: StatusForce {
        switch self {
        case .statusCancelled, .refund: return .active
        case .endDataChangeMissed, .endTopUpMissed, .endRefundWrong, .endSettlementMissed, .endTopUpPremium:
            return .active
        case .statusActive, .clmAfterEnd: return .expired
        default: return .none
        }
    }

    /// The breaks rekon must report: (category, version, field), all for the policy's ref except
    /// `duplicateLoan`, whose break is for the new ref, and `endUnknownPolicy`, whose is for the unknown ref.
    var expectedBreaks: [(BreakCategory, Int, String)] {
        switch self {
        case .missingInLedger: return [(.MISSING_IN_LEDGER, 1, "")]
        case .missingInBank: return [(.MISSING_IN_BANK, 1, "")]
        case .duplicateRef: return [(.DUPLICATE_IN_BANK, 2, "policy_ref")]
        case .duplicateLoan: return [(.DUPLICATE_IN_BANK, 1, "loan_no")]
        case .duplicateInLedger: return [(.DUPLICATE_IN_LEDGER, 1, "certificate_no")]
        case .ledgerName: return [(.FIELD_MISMATCH, 1, "debtor_name")]
        case .ledgerBirthDate: return [(.FIELD_MISMATCH, 1, "debtor_birth_date")]
        case .ledgerGender: return [(.FIELD_MISMATCH, 1, "debtor_gender")]
        case .ledgerNik: return [(.FIELD_MISMATCH, 1, "debtor_nik")]
        case .ledgerStartDate: return [(.FIELD_MISMATCH, 1, "start_date")]
        case .ledgerEndDate: return [(.FIELD_MISMATCH, 1, "end_date")]
        case .ledgerTenor: return [(.FIELD_MISMATCH, 1, "tenor_months")]
        case .ledgerSumInsured: return [(.FIELD_MISMATCH, 1, "sum_insured"), (.FIELD_MISMATCH, 1, "premium_amount")]
        case .bankPremium: return [(.PREMIUM_MISCALCULATED, 1, "bank.premium_amount")]
        case .ledgerPremium: return [(.PREMIUM_MISCALCULATED, 1, "ledger.premium_amount")]
        case .statusCancelled, .statusActive: return [(.STATUS_MISMATCH, 1, "status")]
        case .refund: return [(.REFUND_MISMATCH, 1, "refund_amount")]
        case .endDataChangeMissed: return [(.FIELD_MISMATCH, 1, "debtor_name")]
        case .endTopUpMissed:
            return [
                (.STATUS_MISMATCH, 1, "status"), (.REFUND_MISMATCH, 1, "refund_amount"), (.MISSING_IN_LEDGER, 2, ""),
            ]
        case .endRefundWrong: return [(.REFUND_MISMATCH, 1, "refund_amount")]
        case .endSettlementMissed: return [(.STATUS_MISMATCH, 1, "status"), (.REFUND_MISMATCH, 1, "refund_amount")]
        case .endTopUpPremium: return [(.PREMIUM_MISCALCULATED, 2, "bank.premium_amount")]
        case .endUnknownPolicy: return [(.MISSING_IN_BANK, 0, "endorsement_ref")]
        case .clmMissingInLedger: return [(.CLAIM_MISSING_IN_LEDGER, 1, "")]
        case .clmMissingInBank: return [(.CLAIM_MISSING_IN_BANK, 0, "")]
        case .clmStatus: return [(.CLAIM_STATUS_MISMATCH, 1, "status")]
        case .clmPaidAmount: return [(.CLAIM_AMOUNT_MISMATCH, 1, "paid_amount")]
        case .clmWrongType: return [(.CLAIM_OUT_OF_COVERAGE, 1, "claim_type")]
        case .clmAfterEnd: return [(.CLAIM_OUT_OF_COVERAGE, 0, "loss_date")]
        case .clmLateReport: return [(.CLAIM_LATE_REPORT, 1, "reported_date")]
        case .clmDocuments: return [(.CLAIM_DOCUMENTS_INCOMPLETE, 1, "documents")]
        default: return []
        }
    }
}

/// One fault placed on one policy.
struct Fault: Sendable {
    var kind: FaultKind
    /// 0 for the first fault of its kind, 1 for the second…
    var occurrence: Int
    /// The policy's global index, bank and serial in the bank.
    var index: Int
    var bank: Int
    var serial: Int
    /// Rejects: the ledger still holds the certificate. Loan duplicates: the ledger certified the new ref too.
    var keepCertificate: Bool
    /// Loan duplicates: the serial of the new ref.
    var extraSerial: Int
    /// The certificate number of the extra ledger row (a ledger duplicate, a loan duplicate's certificate).
    var extraCertificate: Int
    /// Bank duplicates: the serial after whose row the second row goes (the original's or later).
    var insertAfter: Int
    /// Small choices of the fault (amounts, shifts).
    var random: UInt64

    /// Whether the ledger has a certificate for the policy itself.
    var ledgerHasPolicy: Bool {
        switch kind {
        case .missingInLedger, .badRow: return false
        default: return kind.reject == nil || keepCertificate
        }
    }

    /// A few thousand rupiah, never zero, either way.
    var premiumDelta: Int64 {
        let k = Int64(random % 9) + 1
        return (random >> 8) & 1 == 0 ? k * 1_000 : -k * 1_000
    }
}

/// Which policies get which fault, where the extra rows go, and the numbers of the extra refs and certificates.
struct FaultPlan: Sendable {
    var faults: [Fault] = []
    /// Per bank: positions of the faults that add a second bank row, by `insertAfter`.
    var insertions: [[Int]] = []

    /// The default number of faults: 2% of large worlds; in small ones enough for two of every kind.
    static func count(policies n: Int, rate: Double?) -> Int {
        if let rate { return min(n, Int((Double(n) * rate).rounded())) }
        if n >= 10_000 { return Int((Double(n) * 0.02).rounded()) }
        return min(max(2 * FaultKind.allCases.count, (n * 2 + 99) / 100), n / 2)
    }

    /// Places `total` faults, kinds in turn, each occurrence of a kind at another bank.
    static func make(
        total: Int, seed: UInt64, counts: [Int], offsets: [Int], formats: [DropFormat], withEndorsements: Bool = true,
        withClaims: Bool = true
    ) -> FaultPlan {
        var plan = FaultPlan()
        plan.insertions = Array(repeating: [], count: counts.count)
        var rng = SplitMix64.stream(seed: seed, salt: 0xFA17_0002, index: 0)
        let kinds = FaultKind.allCases.filter { (withEndorsements || !$0.isEndorsement) && (withClaims || !$0.isClaim) }
        var nextRef = counts.map { $0 + 1 }
        var nextCertificate = counts.map { $0 + 1 }
        var taken = Set<Int>()
        taken.reserveCapacity(total)
        plan.faults.reserveCapacity(total)

        func pick(_ b: Int) -> Int? {
            let n = counts[b]
            guard n > 0 else { return nil }
            for _ in 0..<32 {
                let s = rng.inRange(1, n)
                if !taken.contains(offsets[b] + s - 1) { return s }
            }
            let from = rng.inRange(1, n)
            for k in 0..<n {
                let s = (from - 1 + k) % n + 1
                if !taken.contains(offsets[b] + s - 1) { return s }
            }
            return nil
        }

        for j in 0..<total {
            let kind = kinds[j % kinds.count]
            let occurrence = j / kinds.count
            let allowed = counts.indices.filter { counts[$0] > 0 && (!kind.csvOnly || formats[$0] != .xml) }
            if allowed.isEmpty { continue }
            var chosen: (bank: Int, serial: Int)?
            for t in 0..<allowed.count {
                let b = allowed[(occurrence + kind.rawValue + t) % allowed.count]
                if let s = pick(b) {
                    chosen = (b, s)
                    break
                }
            }
            guard let c = chosen else { continue }
            let b = c.bank
            let s = c.serial
            let index = offsets[b] + s - 1
            taken.insert(index)
            var f = Fault(
                kind: kind, occurrence: occurrence, index: index, bank: b, serial: s,
                keepCertificate: occurrence % 2 == 0, extraSerial: 0, extraCertificate: 0, insertAfter: 0,
                random: rng.next())
            switch kind {
            case .duplicateRef, .duplicateLoan:
                f.insertAfter = s + rng.below(min(40, counts[b] - s) + 1)
                if kind == .duplicateLoan {
                    f.extraSerial = nextRef[b]
                    nextRef[b] += 1
                    if f.keepCertificate {
                        f.extraCertificate = nextCertificate[b]
                        nextCertificate[b] += 1
                    }
                }
            case .duplicateInLedger:
                f.extraCertificate = nextCertificate[b]
                nextCertificate[b] += 1
            default: break
            }
            if kind == .duplicateRef || kind == .duplicateLoan { plan.insertions[b].append(plan.faults.count) }
            plan.faults.append(f)
        }
        for b in plan.insertions.indices {
            plan.insertions[b].sort { (plan.faults[$0].insertAfter, $0) < (plan.faults[$1].insertAfter, $1) }
        }
        return plan
    }
}

/// A break as truth.json lists it: the identity rekon hashes into the break id.
struct TruthBreak: Comparable, Sendable {
    var category: BreakCategory
    var bank: String
    var ref: String
    var version: Int
    var field: String
    /// The claim's ref for a claim break, else empty.
    var claimRef = ""

    /// The report order of rekon: policy, version, category, field.
    static func < (a: TruthBreak, b: TruthBreak) -> Bool {
        if a.bank != b.bank { return a.bank < b.bank }
        if a.ref != b.ref { return a.ref < b.ref }
        if a.version != b.version { return a.version < b.version }
        if a.category != b.category { return a.category < b.category }
        return a.field < b.field
    }
}

/// A rejected row as truth.json lists it.
struct TruthReject: Comparable, Sendable {
    var file: String
    var line: Int
    var reason: ReasonCode
    var field: String

    static func < (a: TruthReject, b: TruthReject) -> Bool {
        if a.file != b.file { return a.file < b.file }
        if a.line != b.line { return a.line < b.line }
        if a.reason != b.reason { return a.reason < b.reason }
        return a.field < b.field
    }
}
