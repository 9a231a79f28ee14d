/// Claims against the coverage that the replay gives and against the ledger's claims (SPEC §5).
extension PolicyReconciler.Run {
    typealias C = ClaimField
    typealias LC = LedgerClaimField

    /// The version a loss date falls in: from its start to its end date, or to the event that ended it.
    func versionInForce(_ versions: [ExpectedVersion], at loss: Day) -> ExpectedVersion? {
        versions.last { v in
            let ended = ["REPLACED", "SETTLED", "CANCELLED"].contains(v.status)
            let coverEnd = ended ? min(v.endDate, v.statusCause.date) : v.endDate
            return v.startDate <= loss && loss < coverEnd
        }
    }

    func claimBreak(_ category: BreakCategory, _ c: Record, version: Int, field: String) -> Break {
        var b = Break(category: category, bankCode: c.text(C.bank_code)!, policyRef: c.text(C.policy_ref)!)
        b.claimRef = c.text(C.claim_ref)!
        b.version = version
        b.field = field
        b.money = .claim
        b.amountIDR = c.int(C.claim_amount) ?? 0
        b.cause = Cause(.claim, ref: b.claimRef, type: c.text(C.claim_type)!, date: c.day(C.loss_date)!).text
        b.source = source(c.source)
        return b
    }

    /// One bank claim of a known policy: coverage, reporting deadline, documents, then the ledger's record.
    mutating func checkClaim(_ c: Record, policy p: Record, versions: [ExpectedVersion], certificates: [Int]) {
        let type = c.text(C.claim_type)!, loss = c.day(C.loss_date)!, status = c.text(C.status)!
        let product = rc.config.products[p.text(PolicyField.product_code)!]
        if loss < versions[0].startDate {
            result.eventRejects.append(
                (
                    c,
                    RowProblem(
                        .INCONSISTENT_DATES, field: "loss_date", value: loss.iso,
                        message: "loss_date is before the policy's start_date \(versions[0].startDate.iso)")
                ))
            // A rejected row makes no other break: the ledger's record of it is left alone.
            ledgerClaimIndex.chain(PolicyReconciler.KeyIndex.hash(c, PolicyReconciler.claimKey)) { j in
                if PolicyReconciler.KeyIndex.same(
                    c, PolicyReconciler.claimKey, input.ledgerClaims[j], PolicyReconciler.ledgerClaimKey)
                {
                    ledgerClaimConsumed[j] = true
                }
            }
            return
        }
        let inForce = versionInForce(versions, at: loss)
        let version = inForce?.version ?? 0
        if status != "REJECTED" {
            if let v = inForce {
                let coverage = v.certificate.text(LedgerCertificateField.coverage_type.rawValue) ?? ""
                let needs = type == "PHK" ? "LIFE_PHK" : type == "DEFAULT" ? "CREDIT" : nil
                if let needs, coverage != needs {
                    var b = claimBreak(.CLAIM_OUT_OF_COVERAGE, c, version: version, field: "claim_type")
                    b.bankValue = type
                    b.ledgerValue = coverage
                    b.detail =
                        "a \(type) claim needs coverage \(needs); version \(version) of \(b.policyRef) is \(coverage)"
                    _ = add(b)
                }
            } else {
                var b = claimBreak(.CLAIM_OUT_OF_COVERAGE, c, version: 0, field: "loss_date")
                b.bankValue = loss.iso
                b.detail = "the loss date \(loss.iso) falls in no version of \(b.policyRef) in force"
                _ = add(b)
            }
        }
        let deadline = product?.claims.reportDeadlineDays ?? 180
        if let reported = c.day(C.reported_date), Int64(reported.number - loss.number) > deadline {
            var b = claimBreak(.CLAIM_LATE_REPORT, c, version: version, field: "reported_date")
            b.bankValue = reported.iso
            b.difference = "\(Int64(reported.number - loss.number) - deadline)"
            b.detail = "reported \(reported.number - loss.number) days after the loss; the product allows \(deadline)"
            _ = add(b)
        }
        if ["UNDER_REVIEW", "APPROVED", "PAID"].contains(status), let required = product?.claims.documents[type] {
            let have = Set(c.list(C.documents) ?? [])
            let missing = required.filter { !have.contains($0) }
            if !missing.isEmpty {
                var b = claimBreak(.CLAIM_DOCUMENTS_INCOMPLETE, c, version: version, field: "documents")
                b.bankValue = (c.list(C.documents) ?? []).joined(separator: ";")
                b.detail = "a \(status) \(type) claim lacks the documents \(missing.joined(separator: ", "))"
                _ = add(b)
            }
        }
        // The benefit the product pays for the claim type: a share of the sum insured in force.
        if let v = inForce, let share = product?.claims.benefitShareMicros[type], let amount = c.int(C.claim_amount) {
            let benefit = Money.roundHalfUp(Int128(v.sumInsured) * Int128(share), 1_000_000)
            let diff = amount - benefit
            if diff.magnitude > rc.config.tolerance("claim_amount") {
                var b = claimBreak(.CLAIM_AMOUNT_MISMATCH, c, version: version, field: "bank.claim_amount")
                b.bankValue = "\(amount)"
                b.difference = "\(diff)"
                b.amountIDR = Int64(diff.magnitude)
                b.detail =
                    "the claim amount differs from the benefit \(benefit) = \(v.sumInsured) × \(Rate(micros: share)) of the sum insured"
                _ = add(b)
            }
        }
        let certNo =
            inForce.flatMap { v in
                certificates.count >= v.version
                    ? input.certificates[certificates[v.version - 1]].text(LedgerCertificateField.certificate_no) : nil
            } ?? ""
        matchLedgerClaim(c, version: version, certificateNo: certNo)
    }

    /// The ledger's record of a bank claim: missing, or differing in status or amounts.
    mutating func matchLedgerClaim(_ c: Record, version: Int, certificateNo: String, recordIfMissing: Bool = true) {
        var found = -1
        ledgerClaimIndex.chain(PolicyReconciler.KeyIndex.hash(c, PolicyReconciler.claimKey)) { j in
            if found < 0 && !ledgerClaimConsumed[j]
                && PolicyReconciler.KeyIndex.same(
                    c, PolicyReconciler.claimKey, input.ledgerClaims[j], PolicyReconciler.ledgerClaimKey)
            {
                found = j
            }
        }
        let claimRef = c.text(C.claim_ref)!, policyRef = c.text(C.policy_ref)!
        guard found >= 0 else {
            guard recordIfMissing else { return }
            var b = claimBreak(.CLAIM_MISSING_IN_LEDGER, c, version: version, field: "")
            b.certificateNo = certificateNo
            b.bankValue = claimRef
            b.detail = "the ledger has no record of claim \(claimRef)"
            let bi = add(b)
            var r = Record(values: FieldValues(kind: .ledgerClaim), source: SourceLocation(file: -1, line: 0))
            let copied: [(C, LC)] = [
                (.claim_ref, .claim_ref), (.policy_ref, .policy_ref), (.bank_code, .bank_code),
                (.claim_type, .claim_type),
                (.loss_date, .loss_date), (.reported_date, .reported_date), (.claim_amount, .claim_amount),
                (.status, .status), (.paid_amount, .paid_amount), (.paid_date, .paid_date),
            ]
            for (from, to) in copied { c.values.withBytes(from.rawValue) { r.values.setBytes(to.rawValue, $0) } }
            r.values.setText(LC.certificate_no.rawValue, certificateNo)
            recordedClaims.append(r)
            var k = Correction(
                action: .RECORD_CLAIM, certificateNo: certificateNo, policyRef: policyRef, breakIndex: bi)
            k.claimRef = claimRef
            result.corrections.append(k)
            result.breaks[bi].action = .RECORD_CLAIM
            return
        }
        ledgerClaimConsumed[found] = true
        let l = input.ledgerClaims[found]
        let carriedHere = input.carried[Int(l.source.file)]
        func differ(_ category: BreakCategory, _ from: C, _ to: LC, amount: Bool) {
            guard carriedHere.contains(to.rawValue) else { return }
            let bank = c.text(from) ?? "", ledger = l.text(to) ?? ""
            var diff: Int64 = 0
            if amount {
                let x = c.int(from) ?? 0, y = l.int(to) ?? 0
                if (x - y).magnitude <= rc.config.tolerance(to.name) { return }
                diff = x - y
            } else if bank == ledger {
                return
            }
            var b = claimBreak(category, c, version: version, field: to.name)
            b.certificateNo = l.text(LC.certificate_no) ?? certificateNo
            b.bankValue = bank
            b.ledgerValue = ledger
            if amount {
                b.difference = "\(diff)"
                b.amountIDR = Int64(diff.magnitude)
            }
            b.detail = "\(to.name) of claim \(claimRef) differs between the bank and the ledger"
            let bi = add(b)
            c.values.withBytes(from.rawValue) { correctedClaims[found, default: l].values.setBytes(to.rawValue, $0) }
            var k = Correction(
                action: .UPDATE_CLAIM, certificateNo: b.certificateNo, policyRef: policyRef, breakIndex: bi)
            k.claimRef = claimRef
            k.field = to.name
            k.oldValue = ledger
            k.newValue = bank
            result.corrections.append(k)
            result.breaks[bi].action = .UPDATE_CLAIM
        }
        differ(.CLAIM_STATUS_MISMATCH, .status, .status, amount: false)
        differ(.CLAIM_AMOUNT_MISMATCH, .claim_amount, .claim_amount, amount: true)
        differ(.CLAIM_AMOUNT_MISMATCH, .paid_amount, .paid_amount, amount: true)
    }

    /// Bank claims of no known policy, and ledger claims the bank never sent.
    mutating func unmatchedClaims() {
        for (i, c) in input.claims.enumerated() where !claimUsed[i] {
            let key = PolicyKey(bank: c.text(C.bank_code)!, ref: c.text(C.policy_ref)!)
            if !input.rejectedKeys.contains(key) {
                var b = claimBreak(.CLAIM_OUT_OF_COVERAGE, c, version: 0, field: "policy_ref")
                b.bankValue = key.ref
                b.detail = "claim \(b.claimRef) is for policy \(key.ref), which the bank's new business does not hold"
                _ = add(b)
            }
            // No claim is recorded for a policy the bank does not hold; one the ledger has is still compared.
            matchLedgerClaim(c, version: 0, certificateNo: "", recordIfMissing: false)
        }
        for (i, l) in input.ledgerClaims.enumerated() where !ledgerClaimConsumed[i] {
            let key = PolicyKey(bank: l.text(LC.bank_code)!, ref: l.text(LC.claim_ref)!)
            if input.rejectedClaimKeys.contains(key) { continue }
            var b = Break(category: .CLAIM_MISSING_IN_BANK, bankCode: key.bank, policyRef: l.text(LC.policy_ref)!)
            b.claimRef = key.ref
            b.certificateNo = l.text(LC.certificate_no) ?? ""
            b.ledgerValue = key.ref
            b.amountIDR = l.int(LC.claim_amount) ?? 0
            b.money = .claim
            b.source = source(l.source)
            b.detail = "the bank sent no claim \(key.ref)"
            _ = add(b)
        }
    }
}
