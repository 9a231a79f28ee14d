/// The five kinds of record rekon reads: three from banks, two from the insurer's ledger.
public enum RecordKind: String, CaseIterable, Sendable, Comparable {
    case policy
    case endorsement
    case claim
    case ledgerCertificate = "ledger_certificate"
    case ledgerClaim = "ledger_claim"

    public var isLedger: Bool { self == .ledgerCertificate || self == .ledgerClaim }

    public static func < (a: RecordKind, b: RecordKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The canonical fields of this kind, in canonical column order.
    public var fields: [FieldSpec] {
        switch self {
        case .policy: return Catalogue.policy
        case .endorsement: return Catalogue.endorsement
        case .claim: return Catalogue.claim
        case .ledgerCertificate: return Catalogue.ledgerCertificate
        case .ledgerClaim: return Catalogue.ledgerClaim
        }
    }

    /// The field that identifies a row of this kind in rejects.
    public var refField: String {
        switch self {
        case .policy: return "policy_ref"
        case .endorsement: return "endorsement_ref"
        case .claim, .ledgerClaim: return "claim_ref"
        case .ledgerCertificate: return "certificate_no"
        }
    }
}
