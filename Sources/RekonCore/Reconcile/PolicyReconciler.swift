/// What the policy diff needs: the accepted bank policies and ledger certificates, in input order.
public struct PolicyReconcileInput: Sendable {
    public var policies: [Record]
    public var certificates: [Record]
    /// Keys of bank policy rows that were rejected: their ledger certificates make no break.
    public var rejectedKeys: Set<PolicyKey>
    /// Base names of the inputs, by SourceLocation.file.
    public var fileNames: [String]
    /// Per input file: which ledger certificate fields its layout carries (fields it lacks are not compared).
    public var carried: [Set<Int>]

    public init(policies: [Record], certificates: [Record], rejectedKeys: Set<PolicyKey>, fileNames: [String],
                carried: [Set<Int>]) {
        self.policies = policies
        self.certificates = certificates
        self.rejectedKeys = rejectedKeys
        self.fileNames = fileNames
        self.carried = carried
    }
}

/// The breaks of new business against the ledger's certificates, the corrections that clear them, and
/// the corrected certificate export (SPEC §5, §6).
public struct PolicyReconcileResult: Sendable {
    public var breaks: [Break] = []
    public var corrections: [Correction] = []
    /// The ledger's certificates with every correction applied: voided ones dropped, new ones appended.
    public var correctedCertificates: [Record] = []
    /// Bank policies (first rows of their key, not duplicates) and how many matched the ledger cleanly.
    public var bankPolicies = 0
    public var matched = 0
}

public struct PolicyReconciler: Sendable {
    public let replay: Replay
    public let config: Config

    public init(config: Config, asOf: Day) {
        self.config = config
        self.replay = Replay(pricing: Pricing(products: config.products), asOf: asOf)
    }

    typealias P = PolicyField
    typealias L = LedgerCertificateField

    struct LoanKey: Hashable {
        var bank: String, loan: String, nik: String
    }

    public func reconcile(_ input: PolicyReconcileInput) -> PolicyReconcileResult {
        var run = Run(input: input, reconciler: self)
        run.go()
        return run.result
    }

    /// The mutable state of one reconciliation.
    struct Run {
        let input: PolicyReconcileInput
        let rc: PolicyReconciler
        var result = PolicyReconcileResult()
        var corrected: [Record]
        var voided: [Bool]
        var issued: [Record] = []
        /// Per certificate: already answered by a bank policy, a duplicate or a break.
        var consumed: [Bool]
        var ledgerHead: [PolicyKey: Int32] = [:]
        var ledgerNext: [Int32]

        init(input: PolicyReconcileInput, reconciler: PolicyReconciler) {
            self.input = input
            self.rc = reconciler
            corrected = input.certificates
            voided = Array(repeating: false, count: input.certificates.count)
            consumed = voided
            ledgerNext = Array(repeating: -1, count: input.certificates.count)
            ledgerHead.reserveCapacity(input.certificates.count)
            for (i, c) in input.certificates.enumerated() {
                let key = PolicyKey(bank: c.text(L.bank_code)!, ref: c.text(L.policy_ref)!)
                if let older = ledgerHead.updateValue(Int32(i), forKey: key) { ledgerNext[i] = older }
            }
        }

        func source(_ s: SourceLocation) -> String { "\(input.fileNames[Int(s.file)]):\(s.line)" }

        func carries(_ c: Record, _ f: L) -> Bool { input.carried[Int(c.source.file)].contains(f.rawValue) }

        /// The certificates of a key ordered by start_date then certificate_no, duplicates split off.
        mutating func versions(of key: PolicyKey) -> (versions: [Int], duplicates: [(Int, version: Int)]) {
            var list: [Int] = []
            var i = ledgerHead[key] ?? -1
            while i >= 0 {
                if !consumed[Int(i)] { list.append(Int(i)) }
                i = ledgerNext[Int(i)]
            }
            if list.count > 1 {
                let certs = input.certificates
                list.sort { a, b in
                    let sa = certs[a].day(L.start_date), sb = certs[b].day(L.start_date)
                    if sa != sb { return (sa?.number ?? Int32.min) < (sb?.number ?? Int32.min) }
                    return certs[a].text(L.certificate_no)! < certs[b].text(L.certificate_no)!
                }
            }
            var versions: [Int] = []
            var dups: [(Int, version: Int)] = []
            for c in list {
                consumed[c] = true
                if let last = versions.last,
                   input.certificates[last].day(L.start_date) == input.certificates[c].day(L.start_date) {
                    dups.append((c, versions.count))
                } else {
                    versions.append(c)
                }
            }
            return (versions, dups)
        }

        mutating func add(_ b: Break) -> Int {
            result.breaks.append(b)
            return result.breaks.count - 1
        }

        mutating func correct(_ action: CorrectionAction, cert: String, ref: String, field: String = "",
                              old: String = "", new: String = "", breakIndex: Int) {
            var c = Correction(action: action, certificateNo: cert, policyRef: ref, breakIndex: breakIndex)
            c.field = field
            c.oldValue = old
            c.newValue = new
            result.corrections.append(c)
            result.breaks[breakIndex].action = action
        }

        mutating func go() {
            let policies = input.policies
            // Duplicates, rule 1: the same (bank_code, policy_ref) again. The first row counts.
            var firstOfKey: [PolicyKey: Int] = [:]
            firstOfKey.reserveCapacity(policies.count)
            var primaries: [Int] = []
            primaries.reserveCapacity(policies.count)
            var occurrences: [PolicyKey: Int] = [:]
            for (i, p) in policies.enumerated() {
                let key = PolicyKey(bank: p.text(P.bank_code)!, ref: p.text(P.policy_ref)!)
                if let first = firstOfKey[key] {
                    let n = occurrences[key, default: 1] + 1
                    occurrences[key] = n
                    duplicateInBank(p, key: key, of: policies[first], occurrence: n, sameRef: true)
                } else {
                    firstOfKey[key] = i
                    primaries.append(i)
                }
            }
            // Duplicates, rule 2: one insured loan under two refs with overlapping cover.
            var byLoan: [LoanKey: [Int]] = [:]
            var kept: [Int] = []
            kept.reserveCapacity(primaries.count)
            for i in primaries {
                let p = policies[i]
                let lk = LoanKey(bank: p.text(P.bank_code)!, loan: p.text(P.loan_no)!, nik: p.text(P.debtor_nik)!)
                let s = p.day(P.start_date)!, e = p.day(P.end_date)!
                if let earlier = byLoan[lk]?.first(where: { j in
                    policies[j].day(P.start_date)! < e && s < policies[j].day(P.end_date)!
                }) {
                    let key = PolicyKey(bank: lk.bank, ref: p.text(P.policy_ref)!)
                    duplicateInBank(p, key: key, of: policies[earlier], occurrence: 1, sameRef: false)
                } else {
                    byLoan[lk, default: []].append(i)
                    kept.append(i)
                }
            }
            result.bankPolicies = kept.count
            for i in kept { reconcilePolicy(policies[i]) }
            ledgerOnly()
            reviewTheRest()
            finishCorrectedLedger()
        }

        mutating func duplicateInBank(_ p: Record, key: PolicyKey, of first: Record, occurrence: Int, sameRef: Bool) {
            var b = Break(category: .DUPLICATE_IN_BANK, bankCode: key.bank, policyRef: key.ref)
            b.version = occurrence
            b.field = sameRef ? "policy_ref" : "loan_no"
            b.bankValue = sameRef ? key.ref : p.text(P.loan_no)!
            b.ledgerValue = ""
            b.amountIDR = p.int(P.premium_amount)!
            b.money = .premium
            b.cause = "new business \(key.ref) \(p.day(P.start_date)!.iso)"
            b.source = source(p.source)
            b.detail = sameRef
                ? "policy_ref \(key.ref) was sent again; the row at \(source(first.source)) counts"
                : "loan \(p.text(P.loan_no)!) of the same debtor is already insured by \(first.text(P.policy_ref)!) (\(source(first.source))) with overlapping cover"
            let bi = add(b)
            if sameRef { return }
            // The ledger may have issued certificates for the duplicate ref: they are void.
            let (versions, dups) = versions(of: key)
            for c in versions + dups.map(\.0) {
                let cert = input.certificates[c]
                voided[c] = true
                correct(.VOID_DUPLICATE, cert: cert.text(L.certificate_no)!, ref: key.ref, breakIndex: bi)
            }
            // The bank must withdraw the duplicate row: the break stays REVIEW whatever the ledger voids.
            correct(.REVIEW, cert: "", ref: key.ref, field: "loan_no", breakIndex: bi)
        }

        mutating func reconcilePolicy(_ p: Record) {
            let key = PolicyKey(bank: p.text(P.bank_code)!, ref: p.text(P.policy_ref)!)
            let expected = rc.replay.versions(of: p)
            let (ledger, dups) = versions(of: key)
            let before = result.breaks.count
            checkBankPremium(p, key: key, expected: expected[0], ledger: ledger.first.map { input.certificates[$0] })
            for (c, v) in dups { duplicateInLedger(c, key: key, version: v) }
            for (k, e) in expected.enumerated() {
                if k < ledger.count {
                    compare(e, ledger[k], key: key, bankRow: p)
                } else {
                    missingInLedger(e, key: key, bankRow: p)
                }
            }
            if ledger.count > expected.count {
                for k in expected.count..<ledger.count { missingInBank(ledger[k], key: key, version: k + 1) }
            }
            if result.breaks.count == before { result.matched += 1 }
        }

        mutating func checkBankPremium(_ p: Record, key: PolicyKey, expected e: ExpectedVersion, ledger: Record?) {
            let stated = p.int(P.premium_amount)!
            let diff = stated - e.premium
            guard diff.magnitude > rc.config.tolerance("premium_amount") else { return }
            var b = Break(category: .PREMIUM_MISCALCULATED, bankCode: key.bank, policyRef: key.ref)
            b.version = 1
            b.field = "bank.premium_amount"
            b.bankValue = "\(stated)"
            b.ledgerValue = ledger?.int(L.premium_amount).map { "\($0)" } ?? ""
            b.difference = "\(diff)"
            b.amountIDR = Int64(diff.magnitude)
            b.money = .premium
            b.cause = e.cause
            b.source = source(p.source)
            b.detail = "the bank's premium \(stated) differs from round_half_up(\(e.sumInsured) × \(e.rate)‰) = \(e.premium)"
            _ = add(b)
        }

        mutating func duplicateInLedger(_ c: Int, key: PolicyKey, version: Int) {
            let cert = input.certificates[c]
            var b = Break(category: .DUPLICATE_IN_LEDGER, bankCode: key.bank, policyRef: key.ref)
            b.certificateNo = cert.text(L.certificate_no)!
            b.version = version
            b.field = "certificate_no"
            b.ledgerValue = b.certificateNo
            b.amountIDR = cert.int(L.premium_amount) ?? 0
            b.money = .premium
            b.source = source(cert.source)
            b.detail = "a second certificate for \(key.ref) starting \(cert.day(L.start_date)?.iso ?? "(no start_date)")"
            let bi = add(b)
            voided[c] = true
            correct(.VOID_DUPLICATE, cert: b.certificateNo, ref: key.ref, breakIndex: bi)
        }

        mutating func missingInLedger(_ e: ExpectedVersion, key: PolicyKey, bankRow p: Record) {
            var b = Break(category: .MISSING_IN_LEDGER, bankCode: key.bank, policyRef: key.ref)
            b.version = e.version
            b.bankValue = key.ref
            b.amountIDR = e.premium
            b.money = .premium
            b.cause = e.cause
            b.source = source(p.source)
            b.detail = "the ledger has no certificate for version \(e.version) starting \(e.startDate.iso)"
            let bi = add(b)
            let certNo = "RK-\(key.bank)-\(key.ref)-\(e.version)"
            result.breaks[bi].certificateNo = certNo
            issued.append(certificate(e, certNo: certNo, key: key))
            correct(.ISSUE_CERTIFICATE, cert: certNo, ref: key.ref, new: certNo, breakIndex: bi)
        }

        func certificate(_ e: ExpectedVersion, certNo: String, key: PolicyKey) -> Record {
            var r = Record(values: FieldValues(count: L.allCases.count), source: SourceLocation(file: -1, line: 0))
            r[L.certificate_no] = .text(certNo)
            r[L.policy_ref] = .text(key.ref)
            r[L.bank_code] = .text(key.bank)
            r[L.product_code] = .text(e.productCode)
            r[L.coverage_type] = .text(e.coverageType)
            r[L.debtor_nik] = .text(e.nik)
            r[L.debtor_name] = .text(e.name)
            r[L.debtor_birth_date] = .day(e.birthDate)
            r[L.debtor_gender] = .text(e.gender)
            r[L.loan_no] = .text(e.loanNo)
            r[L.sum_insured] = .int(e.sumInsured)
            r[L.start_date] = .day(e.startDate)
            r[L.end_date] = .day(e.endDate)
            r[L.tenor_months] = .int(e.tenorMonths)
            r[L.premium_amount] = .int(e.premium)
            r[L.status] = .text(e.status)
            r[L.refund_amount] = .int(e.refund)
            return r
        }

        mutating func missingInBank(_ c: Int, key: PolicyKey, version: Int) {
            let cert = input.certificates[c]
            var b = Break(category: .MISSING_IN_BANK, bankCode: key.bank, policyRef: key.ref)
            b.certificateNo = cert.text(L.certificate_no)!
            b.version = version
            b.ledgerValue = b.certificateNo
            b.amountIDR = cert.int(L.premium_amount) ?? 0
            b.money = .premium
            b.source = source(cert.source)
            b.detail = version == 1
                ? "the bank sent no policy \(key.ref) for this certificate"
                : "the bank's events give no version \(version) of \(key.ref)"
            _ = add(b)
        }

        /// Certificates no bank policy answered.
        mutating func ledgerOnly() {
            for c in input.certificates.indices where !consumed[c] {
                let cert = input.certificates[c]
                let key = PolicyKey(bank: cert.text(L.bank_code)!, ref: cert.text(L.policy_ref)!)
                let (versions, dups) = versions(of: key)
                if input.rejectedKeys.contains(key) { continue }
                for (k, v) in versions.enumerated() { missingInBank(v, key: key, version: k + 1) }
                for (d, v) in dups { duplicateInLedger(d, key: key, version: v) }
            }
        }

        /// Compares one expected version with its certificate, field by field.
        mutating func compare(_ e: ExpectedVersion, _ c: Int, key: PolicyKey, bankRow p: Record) {
            let cert = input.certificates[c]
            let certNo = cert.text(L.certificate_no)!
            func mismatch(_ category: BreakCategory, _ f: L, bank: FieldValue, ledger: FieldValue, money: MoneyKind = .none,
                          diff: Int64? = nil, cause: String? = nil, field: String? = nil, detail: String = "") {
                var b = Break(category: category, bankCode: key.bank, policyRef: key.ref)
                b.certificateNo = certNo
                b.version = e.version
                b.field = field ?? f.name
                let masked = f == .debtor_nik
                b.bankValue = masked ? Masking.nik(FieldValues.string(bank)) : FieldValues.string(bank)
                b.ledgerValue = masked ? Masking.nik(FieldValues.string(ledger)) : FieldValues.string(ledger)
                if let diff {
                    b.difference = "\(diff)"
                    b.amountIDR = Int64(diff.magnitude)
                    b.money = money
                }
                b.cause = cause ?? e.cause
                b.source = source(p.source)
                b.detail = detail.isEmpty ? "\(f.name) differs between the bank and certificate \(certNo)" : detail
                let bi = add(b)
                corrected[c][f] = bank
                correct(.UPDATE_FIELD, cert: certNo, ref: key.ref, field: f.name, old: FieldValues.string(ledger),
                        new: FieldValues.string(bank), breakIndex: bi)
            }
            func text(_ f: L, _ expected: String) {
                guard carries(cert, f) else { return }
                let have = cert[f]
                if case .text(let s) = have, s == expected { return }
                mismatch(.FIELD_MISMATCH, f, bank: .text(expected), ledger: have)
            }
            func date(_ f: L, _ expected: Day) {
                guard carries(cert, f), cert.day(f) != expected else { return }
                mismatch(.FIELD_MISMATCH, f, bank: .day(expected), ledger: cert[f])
            }
            func amount(_ f: L, _ expected: Int64, _ category: BreakCategory, _ money: MoneyKind, field: String? = nil,
                        detail: String = "") {
                guard carries(cert, f) else { return }
                let have = cert.int(f) ?? (f == .refund_amount ? 0 : nil)
                if let have, (expected - have).magnitude <= rc.config.tolerance(f.name) { return }
                mismatch(category, f, bank: .int(expected), ledger: cert[f], money: money,
                         diff: expected - (have ?? 0), field: field, detail: detail)
            }

            text(.debtor_nik, e.nik)
            if carries(cert, .debtor_name), NameNormal.form(cert.text(L.debtor_name) ?? "") != NameNormal.form(e.name) {
                mismatch(.FIELD_MISMATCH, .debtor_name, bank: .text(e.name), ledger: cert[L.debtor_name])
            }
            date(.debtor_birth_date, e.birthDate)
            text(.debtor_gender, e.gender)
            amount(.sum_insured, e.sumInsured, .FIELD_MISMATCH, .sum_insured)
            date(.start_date, e.startDate)
            date(.end_date, e.endDate)
            if carries(cert, .tenor_months), cert.int(L.tenor_months) != e.tenorMonths {
                mismatch(.FIELD_MISMATCH, .tenor_months, bank: .int(e.tenorMonths), ledger: cert[L.tenor_months])
            }
            // The ledger's premium: against its own sum insured when that agrees (PREMIUM_MISCALCULATED),
            // else against the expected premium (FIELD_MISMATCH).
            let sameSI = cert.int(L.sum_insured).map { ($0 - e.sumInsured).magnitude <= rc.config.tolerance("sum_insured") } ?? false
            if sameSI || !carries(cert, .sum_insured) {
                amount(.premium_amount, e.premium, .PREMIUM_MISCALCULATED, .premium, field: "ledger.premium_amount",
                       detail: "the ledger's premium differs from round_half_up(\(e.sumInsured) × \(e.rate)‰) = \(e.premium)")
            } else {
                amount(.premium_amount, e.premium, .FIELD_MISMATCH, .premium)
            }
            if carries(cert, .status), cert.text(L.status) != e.status {
                mismatch(.STATUS_MISMATCH, .status, bank: .text(e.status), ledger: cert[L.status], cause: e.statusCause,
                         detail: "the bank's events make the certificate \(e.status)")
            }
            amount(.refund_amount, e.refund, .REFUND_MISMATCH, .refund, detail: "the refund differs from the computed one")
        }

        /// A break the insurer cannot clear alone still goes on its worklist, as REVIEW.
        mutating func reviewTheRest() {
            var answered = Array(repeating: false, count: result.breaks.count)
            for c in result.corrections { answered[c.breakIndex] = true }
            for (i, b) in result.breaks.enumerated() where !answered[i] {
                correct(.REVIEW, cert: b.certificateNo, ref: b.policyRef, field: b.field, breakIndex: i)
            }
        }

        mutating func finishCorrectedLedger() {
            var out: [Record] = []
            out.reserveCapacity(corrected.count + issued.count)
            for (i, r) in corrected.enumerated() where !voided[i] { out.append(r) }
            out.append(contentsOf: issued)
            result.correctedCertificates = out
        }
    }
}

/// Names compared after trimming, collapsing blanks and upper-casing.
public enum NameNormal {
    public static func form(_ s: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var pendingSpace = false
        var ascii = true
        for c in s.utf8 {
            if c == 32 || c == 9 || c == 10 || c == 13 {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(32); pendingSpace = false }
            if c >= 0x80 { ascii = false }
            out.append(c >= 97 && c <= 122 ? c - 32 : c)
        }
        let t = String(decoding: out, as: UTF8.self)
        return ascii ? t : t.uppercased()
    }
}
