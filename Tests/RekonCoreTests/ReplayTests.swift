import Testing

@testable import RekonCore

/// A record of `kind` from canonical text by field name.
func record(_ kind: RecordKind, _ fields: [String: String], line: Int = 2) -> Record {
    var v = FieldValues(kind: kind)
    for (name, text) in fields {
        v.setText(kind.fields.firstIndex { $0.name == name }!, text)
    }
    return Record(values: v, source: SourceLocation(file: 0, line: line))
}

let policyRow = record(
    .policy,
    [
        "policy_ref": "P-1", "bank_code": "B", "product_code": "KPR", "coverage_type": "LIFE",
        "debtor_nik": "3171011505800001",
        "debtor_name": "Budi", "debtor_birth_date": "1980-05-15", "debtor_gender": "M", "loan_no": "L-1",
        "sum_insured": "100000000", "start_date": "2026-01-01", "tenor_months": "36", "end_date": "2029-01-01",
        "premium_rate_permille": "15", "premium_amount": "1500000",
    ])

func endorsement(_ ref: String, _ type: String, _ date: String, _ extra: [String: String] = [:]) -> Record {
    record(
        .endorsement,
        [
            "endorsement_ref": ref, "policy_ref": "P-1", "bank_code": "B", "endorsement_type": type,
            "effective_date": date,
        ].merging(extra) { $1 })
}

let replay = Replay(pricing: Pricing(products: [:]), asOf: Day(year: 2026, month: 6, day: 30)!)

func replayed(_ events: [Record], claims: [Record] = []) -> ([ExpectedVersion], ReplayNotes) {
    var notes = ReplayNotes()
    let v = replay.versions(of: policyRow, endorsements: events, claims: claims, notes: &notes)
    return (v, notes)
}

@Test("a top-up replaces the version in force with its refund and opens a re-rated one for the months left")
func topUp() {
    let (v, _) = replayed([endorsement("E-1", "TOP_UP", "2026-04-01", ["new_sum_insured": "150000000"])])
    #expect(v.count == 2)
    #expect(v[0].status == "REPLACED")
    #expect(v[0].certificate.int(LedgerCertificateField.refund_amount.rawValue) == 1_375_000)  // 1.5M × 33/36
    #expect(v[1].startDate == Day(year: 2026, month: 4, day: 1)!)
    #expect(v[1].certificate.int(LedgerCertificateField.tenor_months.rawValue) == 33)
    #expect(v[1].premium == 2_250_000)
    #expect(v[1].cause.text == "endorsement E-1 TOP_UP 2026-04-01")
}

@Test("events of one day apply in ref order; an event after the version ended is not applied")
func sameDay() {
    let (v, notes) = replayed([
        endorsement("E-2", "EARLY_SETTLEMENT", "2026-03-10"),
        endorsement("E-1", "DATA_CHANGE", "2026-03-10", ["new_debtor_name": "Budi S."]),
        endorsement("E-3", "DATA_CHANGE", "2026-03-11", ["new_debtor_name": "Too late"]),
    ])
    #expect(v.count == 1)
    #expect(v[0].status == "SETTLED")
    #expect(v[0].certificate.text(LedgerCertificateField.debtor_name.rawValue) == "Budi S.")
    #expect(notes.afterEnd.count == 1)
}

@Test("a top-up after a data change carries the changed debtor into the new version")
func topUpAfterDataChange() {
    let (v, _) = replayed([
        endorsement("E-1", "DATA_CHANGE", "2026-02-01", ["new_debtor_name": "Budi Santoso"]),
        endorsement("E-2", "TOP_UP", "2026-03-01", ["new_sum_insured": "120000000", "new_tenor_months": "24"]),
    ])
    #expect(
        v.map { $0.certificate.text(LedgerCertificateField.debtor_name.rawValue) } == ["Budi Santoso", "Budi Santoso"])
    #expect(v[1].endDate == Day(year: 2028, month: 3, day: 1)!)
}

@Test("a cancellation for an admin error refunds the whole premium; for another reason as a settlement")
func cancellations() {
    let full = replayed([endorsement("E-1", "CANCELLATION", "2026-03-15", ["cancel_reason": "ADMIN_ERROR"])]).0
    #expect(
        full[0].status == "CANCELLED"
            && full[0].certificate.int(LedgerCertificateField.refund_amount.rawValue) == 1_500_000)
    let other = replayed([endorsement("E-1", "CANCELLATION", "2026-03-15", ["cancel_reason": "OTHER"])]).0
    #expect(other[0].certificate.int(LedgerCertificateField.refund_amount.rawValue) == 1_375_000)  // 3 months started
}

@Test("events after the cut-off and before the start are not applied, and are reported")
func outOfRange() {
    let (v, notes) = replayed([
        endorsement("E-1", "EARLY_SETTLEMENT", "2026-07-01"),
        endorsement("E-2", "DATA_CHANGE", "2025-12-31", ["new_debtor_name": "Early"]),
    ])
    #expect(v[0].status == "ACTIVE")
    #expect(notes.afterAsOf == 1)
    #expect(notes.rejected.map(\.1.reason) == [.INCONSISTENT_DATES])
}

@Test("an approved claim ends the version in force as CLAIMED; a claim after settlement does not")
func claims() {
    let claim = record(
        .claim,
        [
            "claim_ref": "C-1", "policy_ref": "P-1", "bank_code": "B", "claim_type": "DEATH",
            "loss_date": "2026-05-01", "reported_date": "2026-05-02", "claim_amount": "100000000",
            "status": "APPROVED",
        ])
    #expect(replayed([], claims: [claim]).0[0].status == "CLAIMED")
    let settledFirst = replayed([endorsement("E-1", "EARLY_SETTLEMENT", "2026-04-01")], claims: [claim]).0
    #expect(settledFirst[0].status == "SETTLED")
}
