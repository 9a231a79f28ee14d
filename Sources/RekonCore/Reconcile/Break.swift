/// The break categories of SPEC §5, in report order.
public enum BreakCategory: String, CaseIterable, Sendable, Comparable {
    case MISSING_IN_LEDGER, MISSING_IN_BANK, DUPLICATE_IN_BANK, DUPLICATE_IN_LEDGER, FIELD_MISMATCH, STATUS_MISMATCH,
        REFUND_MISMATCH, PREMIUM_MISCALCULATED, CLAIM_MISSING_IN_LEDGER, CLAIM_MISSING_IN_BANK, CLAIM_STATUS_MISMATCH,
        CLAIM_AMOUNT_MISMATCH, CLAIM_OUT_OF_COVERAGE, CLAIM_DOCUMENTS_INCOMPLETE, CLAIM_LATE_REPORT

    public static func < (a: BreakCategory, b: BreakCategory) -> Bool { a.order < b.order }
    public var order: Int { BreakCategory.allCases.firstIndex(of: self)! }
}

/// What the insurer must do about a break (SPEC §6).
public enum CorrectionAction: String, CaseIterable, Sendable {
    case ISSUE_CERTIFICATE, UPDATE_FIELD, APPLY_ENDORSEMENT, VOID_DUPLICATE, RECORD_CLAIM, UPDATE_CLAIM, REVIEW
}

/// Which pot of money a break's `amount_idr` belongs to, for the summary and the report.
public enum MoneyKind: String, CaseIterable, Sendable {
    case premium, refund, claim, sum_insured, none
}

/// One discrepancy between the bank's expected state and the ledger.
public struct Break: Sendable, Equatable {
    public var id = ""
    public var category: BreakCategory
    public var bankCode: String
    public var policyRef: String
    public var claimRef = ""
    public var certificateNo = ""
    public var version = 0
    public var field = ""
    public var bankValue = ""
    public var ledgerValue = ""
    public var difference = ""
    public var amountIDR: Int64 = 0
    public var money = MoneyKind.none
    public var cause = ""
    /// `file:line` of the bank row (of the ledger row for a break the bank has no row for).
    public var source = ""
    public var detail = ""
    /// The action its corrections take; REVIEW when the insurer cannot fix it alone.
    public var action = CorrectionAction.REVIEW

    public init(category: BreakCategory, bankCode: String, policyRef: String) {
        self.category = category
        self.bankCode = bankCode
        self.policyRef = policyRef
    }

    /// The text whose SHA-256 gives the break id: category, bank_code, policy_ref (or claim_ref), version, field.
    public var identity: String {
        "\(category.rawValue)|\(bankCode)|\(claimRef.isEmpty ? policyRef : claimRef)|\(version)|\(field)"
    }

    /// Report order: by policy, claim, version, category, field.
    public static func reportOrder(_ a: Break, _ b: Break) -> Bool {
        if a.bankCode != b.bankCode { return a.bankCode < b.bankCode }
        if a.policyRef != b.policyRef { return a.policyRef < b.policyRef }
        if a.claimRef != b.claimRef { return a.claimRef < b.claimRef }
        if a.version != b.version { return a.version < b.version }
        if a.category != b.category { return a.category < b.category }
        if a.field != b.field { return a.field < b.field }
        if a.certificateNo != b.certificateNo { return a.certificateNo < b.certificateNo }
        return a.source < b.source
    }
}

/// One line of `corrections/ledger_corrections.csv`.
public struct Correction: Sendable, Equatable {
    public var id = ""
    public var action: CorrectionAction
    public var certificateNo: String
    public var policyRef: String
    public var claimRef = ""
    public var field = ""
    public var oldValue = ""
    public var newValue = ""
    public var breakID = ""
    /// The break it answers, by index in the run's break list (before ids are assigned).
    public var breakIndex: Int

    public init(action: CorrectionAction, certificateNo: String, policyRef: String, breakIndex: Int) {
        self.action = action
        self.certificateNo = certificateNo
        self.policyRef = policyRef
        self.breakIndex = breakIndex
    }

    public var identity: String { "\(breakID)|\(action.rawValue)|\(certificateNo)|\(claimRef)|\(field)" }
}
