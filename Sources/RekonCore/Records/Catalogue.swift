/// How a canonical field's text is read and checked.
public enum FieldType: Equatable, Sendable {
    /// Free text, trimmed.
    case text
    /// An identifier that is upper-cased (bank and product codes).
    case identifier
    /// One code out of a closed list, upper-cased.
    case code([String])
    /// Codes separated by `;`, upper-cased (claim documents).
    case codeList
    /// A 16-digit NIK (bank side; the ledger's is plain text, reconciled as is).
    case nik
    case date
    /// Whole rupiah, not negative.
    case amount
    /// A whole number of months, at least 1.
    case months
    /// Per mille, up to six decimals.
    case rate
}

/// One canonical field: its name (the standard column name), type and whether a row needs it.
public struct FieldSpec: Equatable, Sendable {
    public let name: String
    public let type: FieldType
    public let required: Bool
}

public enum Codes {
    public static let coverage = ["LIFE", "LIFE_PHK", "CREDIT"]
    public static let gender = ["M", "F"]
    public static let currency = ["IDR"]
    public static let endorsementType = ["DATA_CHANGE", "TOP_UP", "EARLY_SETTLEMENT", "CANCELLATION"]
    public static let cancelReason = ["ADMIN_ERROR", "DUPLICATE", "OTHER"]
    public static let claimType = ["DEATH", "PHK", "DEFAULT"]
    public static let claimStatus = ["REPORTED", "DOCS_PENDING", "UNDER_REVIEW", "APPROVED", "REJECTED", "PAID"]
    public static let certificateStatus = ["ACTIVE", "REPLACED", "SETTLED", "CANCELLED", "CLAIMED", "EXPIRED"]
}

/// Field order of each kind; the raw values index a row's parsed values.
public enum PolicyField: Int, CaseIterable, Sendable {
    case policy_ref, bank_code, branch_code, product_code, coverage_type, debtor_nik, debtor_name,
        debtor_birth_date, debtor_gender, debtor_address, debtor_phone, loan_no, plafond, sum_insured,
        start_date, tenor_months, end_date, premium_rate_permille, premium_amount, currency
}

public enum EndorsementField: Int, CaseIterable, Sendable {
    case endorsement_ref, policy_ref, bank_code, endorsement_type, effective_date, cancel_reason,
        new_debtor_name, new_debtor_birth_date, new_debtor_gender, new_debtor_address, new_debtor_phone,
        new_sum_insured, new_tenor_months, new_premium_amount, refund_amount
}

public enum ClaimField: Int, CaseIterable, Sendable {
    case claim_ref, policy_ref, bank_code, claim_type, loss_date, reported_date, claim_amount, status,
        documents, paid_amount, paid_date
}

public enum LedgerCertificateField: Int, CaseIterable, Sendable {
    case certificate_no, policy_ref, bank_code, product_code, coverage_type, debtor_nik, debtor_name,
        debtor_birth_date, debtor_gender, loan_no, sum_insured, start_date, end_date, tenor_months,
        premium_amount, status, refund_amount, replaced_by, last_endorsement_ref, updated_at
}

public enum LedgerClaimField: Int, CaseIterable, Sendable {
    case claim_ref, certificate_no, policy_ref, bank_code, claim_type, loss_date, reported_date, claim_amount,
        approved_amount, status, missing_documents, paid_amount, paid_date
}

/// The canonical field catalogue of every kind (SPEC §2), which the profiles map onto.
public enum Catalogue {
    static func spec<F: RawRepresentable>(_ f: F, _ t: FieldType, _ req: Bool) -> FieldSpec {
        FieldSpec(name: "\(f)", type: t, required: req)
    }

    public static let policy: [FieldSpec] = PolicyField.allCases.map { f in
        switch f {
        case .policy_ref, .debtor_name, .loan_no: return spec(f, .text, true)
        case .branch_code, .debtor_address, .debtor_phone: return spec(f, .text, false)
        case .bank_code, .product_code: return spec(f, .identifier, true)
        case .coverage_type: return spec(f, .code(Codes.coverage), true)
        case .debtor_nik: return spec(f, .nik, true)
        case .debtor_birth_date, .start_date, .end_date: return spec(f, .date, true)
        case .debtor_gender: return spec(f, .code(Codes.gender), true)
        case .plafond: return spec(f, .amount, false)
        case .sum_insured, .premium_amount: return spec(f, .amount, true)
        case .tenor_months: return spec(f, .months, true)
        case .premium_rate_permille: return spec(f, .rate, true)
        case .currency: return spec(f, .code(Codes.currency), false)
        }
    }

    public static let endorsement: [FieldSpec] = EndorsementField.allCases.map { f in
        switch f {
        case .endorsement_ref, .policy_ref: return spec(f, .text, true)
        case .bank_code: return spec(f, .identifier, true)
        case .endorsement_type: return spec(f, .code(Codes.endorsementType), true)
        case .effective_date: return spec(f, .date, true)
        case .cancel_reason: return spec(f, .code(Codes.cancelReason), false)
        case .new_debtor_name, .new_debtor_address, .new_debtor_phone: return spec(f, .text, false)
        case .new_debtor_birth_date: return spec(f, .date, false)
        case .new_debtor_gender: return spec(f, .code(Codes.gender), false)
        case .new_sum_insured, .new_premium_amount, .refund_amount: return spec(f, .amount, false)
        case .new_tenor_months: return spec(f, .months, false)
        }
    }

    public static let claim: [FieldSpec] = ClaimField.allCases.map { f in
        switch f {
        case .claim_ref, .policy_ref: return spec(f, .text, true)
        case .bank_code: return spec(f, .identifier, true)
        case .claim_type: return spec(f, .code(Codes.claimType), true)
        case .loss_date, .reported_date: return spec(f, .date, true)
        case .claim_amount: return spec(f, .amount, true)
        case .status: return spec(f, .code(Codes.claimStatus), true)
        case .documents: return spec(f, .codeList, false)
        case .paid_amount: return spec(f, .amount, false)
        case .paid_date: return spec(f, .date, false)
        }
    }

    public static let ledgerCertificate: [FieldSpec] = LedgerCertificateField.allCases.map { f in
        switch f {
        case .certificate_no, .policy_ref: return spec(f, .text, true)
        case .bank_code: return spec(f, .identifier, true)
        case .product_code: return spec(f, .identifier, false)
        case .coverage_type: return spec(f, .code(Codes.coverage), false)
        case .debtor_nik, .debtor_name, .loan_no, .replaced_by, .last_endorsement_ref, .updated_at:
            return spec(f, .text, false)
        case .debtor_birth_date, .start_date, .end_date: return spec(f, .date, false)
        case .debtor_gender: return spec(f, .code(Codes.gender), false)
        case .sum_insured, .premium_amount, .refund_amount: return spec(f, .amount, false)
        case .tenor_months: return spec(f, .months, false)
        case .status: return spec(f, .code(Codes.certificateStatus), false)
        }
    }

    public static let ledgerClaim: [FieldSpec] = LedgerClaimField.allCases.map { f in
        switch f {
        case .claim_ref, .policy_ref: return spec(f, .text, true)
        case .bank_code: return spec(f, .identifier, true)
        case .certificate_no: return spec(f, .text, false)
        case .claim_type: return spec(f, .code(Codes.claimType), false)
        case .loss_date, .reported_date, .paid_date: return spec(f, .date, false)
        case .claim_amount, .approved_amount, .paid_amount: return spec(f, .amount, false)
        case .status: return spec(f, .code(Codes.claimStatus), false)
        case .missing_documents: return spec(f, .codeList, false)
        }
    }
}
