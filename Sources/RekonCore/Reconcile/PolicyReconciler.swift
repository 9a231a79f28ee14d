import Dispatch

/// What the policy diff needs: the accepted bank policies and ledger certificates, in input order.
public struct PolicyReconcileInput: Sendable {
    public var policies: [Record]
    public var certificates: [Record]
    /// The bank's accepted endorsements, replayed onto their policies.
    public var endorsements: [Record]
    /// The bank's accepted claims and the ledger's claims.
    public var claims: [Record]
    public var ledgerClaims: [Record]
    /// (bank_code, claim_ref) of rejected claim rows: their ledger claims make no break.
    public var rejectedClaimKeys: Set<PolicyKey>
    /// Keys of bank policy rows that were rejected: their ledger certificates make no break.
    public var rejectedKeys: Set<PolicyKey>
    /// Base names of the inputs, by SourceLocation.file.
    public var fileNames: [String]
    /// Per input file: which ledger certificate fields its layout carries (fields it lacks are not compared).
    public var carried: [Set<Int>]

    public init(
        policies: [Record], certificates: [Record], endorsements: [Record] = [], claims: [Record] = [],
        ledgerClaims: [Record] = [], rejectedKeys: Set<PolicyKey>, rejectedClaimKeys: Set<PolicyKey> = [],
        fileNames: [String], carried: [Set<Int>]
    ) {
        self.policies = policies
        self.certificates = certificates
        self.endorsements = endorsements
        self.claims = claims
        self.ledgerClaims = ledgerClaims
        self.rejectedClaimKeys = rejectedClaimKeys
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
    /// Endorsements dated after the cut-off, not applied.
    public var eventsAfterAsOf = 0
    /// Endorsements and claims rejected once their policy is known (effective or lost before it starts).
    public var eventRejects: [(Record, RowProblem)] = []
    /// The ledger's claims with every correction applied, recorded claims appended.
    public var correctedClaims: [Record] = []
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

    /// Rows grouped by a 64-bit hash of some of their fields, each group a chain of row indices.
    /// A hash may be shared by different keys: callers compare the fields along the chain.
    struct KeyIndex {
        var head: [UInt64: Int32] = [:]
        var next: [Int32]

        init(rows: Int) {
            next = Array(repeating: -1, count: rows)
            head.reserveCapacity(rows)
        }

        mutating func insert(_ row: Int, hash: UInt64) {
            if let older = head.updateValue(Int32(row), forKey: hash) { next[row] = older }
        }

        /// The rows with this hash, newest first.
        func chain(_ hash: UInt64, _ body: (Int) -> Void) {
            var i = head[hash] ?? -1
            while i >= 0 {
                body(Int(i))
                i = next[Int(i)]
            }
        }

        /// FNV-1a over the canonical bytes of some fields, each followed by a separator.
        static func hash(_ r: Record, _ fields: [Int]) -> UInt64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for f in fields {
                r.values.withBytes(f) { p in
                    for c in p { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
                }
                h = (h ^ 0x1F) &* 0x100_0000_01b3
            }
            return h
        }

        static func same(_ a: Record, _ af: [Int], _ b: Record, _ bf: [Int]) -> Bool {
            for k in af.indices
            where !a.values.withBytes(af[k], { x in b.values.withBytes(bf[k]) { y in Bytes.equal(x, y) } }) {
                return false
            }
            return true
        }
    }

    static let policyKey = [P.bank_code.rawValue, P.policy_ref.rawValue]
    static let certificateKey = [L.bank_code.rawValue, L.policy_ref.rawValue]
    static let loanKey = [P.bank_code.rawValue, P.loan_no.rawValue, P.debtor_nik.rawValue]
    static let endorsementKey = [EndorsementField.bank_code.rawValue, EndorsementField.policy_ref.rawValue]
    static let claimPolicyKey = [ClaimField.bank_code.rawValue, ClaimField.policy_ref.rawValue]
    static let claimKey = [ClaimField.bank_code.rawValue, ClaimField.claim_ref.rawValue]
    static let ledgerClaimKey = [LedgerClaimField.bank_code.rawValue, LedgerClaimField.claim_ref.rawValue]

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
        /// Certificates with an updated field, by index: only those are copied.
        var corrected: [Int: Record] = [:]
        var voided: [Bool]
        var issued: [Record] = []
        /// Per certificate: already answered by a bank policy, a duplicate or a break.
        var consumed: [Bool]
        /// The ledger's certificates by (bank_code, policy_ref).
        var ledger: KeyIndex
        /// The bank's endorsements by (bank_code, policy_ref), and which a policy took.
        var endorsementIndex: KeyIndex
        var endorsementUsed: [Bool]
        /// The bank's claims by (bank_code, policy_ref); the ledger's by (bank_code, claim_ref).
        var claimIndex: KeyIndex
        var claimUsed: [Bool]
        var ledgerClaimIndex: KeyIndex
        var ledgerClaimConsumed: [Bool]
        var correctedClaims: [Int: Record] = [:]
        var recordedClaims: [Record] = []
        /// Tolerance in rupiah per ledger certificate field.
        let tolerance: [Int64]
        /// Per input file and ledger certificate field: whether the file's layout carries it.
        let carried: [[Bool]]

        init(input: PolicyReconcileInput, reconciler: PolicyReconciler) {
            self.input = input
            self.rc = reconciler
            voided = Array(repeating: false, count: input.certificates.count)
            consumed = voided
            ledger = KeyIndex(rows: input.certificates.count)
            endorsementIndex = KeyIndex(rows: input.endorsements.count)
            endorsementUsed = Array(repeating: false, count: input.endorsements.count)
            for (i, e) in input.endorsements.enumerated() {
                endorsementIndex.insert(i, hash: KeyIndex.hash(e, endorsementKey))
            }
            claimIndex = KeyIndex(rows: input.claims.count)
            claimUsed = Array(repeating: false, count: input.claims.count)
            for (i, c) in input.claims.enumerated() { claimIndex.insert(i, hash: KeyIndex.hash(c, claimPolicyKey)) }
            ledgerClaimIndex = KeyIndex(rows: input.ledgerClaims.count)
            ledgerClaimConsumed = Array(repeating: false, count: input.ledgerClaims.count)
            for (i, c) in input.ledgerClaims.enumerated() {
                ledgerClaimIndex.insert(i, hash: KeyIndex.hash(c, ledgerClaimKey))
            }
            tolerance = L.allCases.map { reconciler.config.tolerance($0.name) }
            carried = input.carried.map { set in L.allCases.map { set.contains($0.rawValue) } }
            for (i, c) in input.certificates.enumerated() { ledger.insert(i, hash: KeyIndex.hash(c, certificateKey)) }
        }

        func source(_ s: SourceLocation) -> String { "\(input.fileNames[Int(s.file)]):\(s.line)" }

        func carries(_ c: Record, _ f: L) -> Bool { carried[Int(c.source.file)][f.rawValue] }

        /// The certificates of a key (given by a row and its key fields) ordered by start_date then
        /// certificate_no, duplicates split off.
        mutating func versions(of row: Record, _ keyFields: [Int]) -> (
            versions: [Int], duplicates: [(Int, version: Int)]
        ) {
            let certs = input.certificates
            let hash = KeyIndex.hash(row, keyFields)
            var list: [Int] = []
            ledger.chain(hash) { i in
                if !consumed[i] && KeyIndex.same(row, keyFields, certs[i], certificateKey) { list.append(i) }
            }
            if list.count == 1 {
                consumed[list[0]] = true
                return (list, [])
            }
            list.sort { a, b in
                let sa = certs[a].day(L.start_date)
                let sb = certs[b].day(L.start_date)
                if sa != sb { return (sa?.number ?? Int32.min) < (sb?.number ?? Int32.min) }
                return certs[a].text(L.certificate_no)! < certs[b].text(L.certificate_no)!
            }
            var versions: [Int] = []
            var dups: [(Int, version: Int)] = []
            for c in list {
                consumed[c] = true
                if let last = versions.last, certs[last].day(L.start_date) == certs[c].day(L.start_date) {
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

        mutating func correct(
            _ action: CorrectionAction, cert: String, ref: String, field: String = "",
            old: String = "", new: String = "", breakIndex: Int
        ) {
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
            var byKey = KeyIndex(rows: policies.count)
            var primaries: [Int] = []
            primaries.reserveCapacity(policies.count)
            var occurrences: [PolicyKey: Int] = [:]
            for (i, p) in policies.enumerated() {
                let hash = KeyIndex.hash(p, policyKey)
                var first = -1
                byKey.chain(hash) { j in if KeyIndex.same(p, policyKey, policies[j], policyKey) { first = j } }
                if first >= 0 {
                    let key = PolicyKey(bank: p.text(P.bank_code)!, ref: p.text(P.policy_ref)!)
                    let n = occurrences[key, default: 1] + 1
                    occurrences[key] = n
                    duplicateInBank(p, key: key, of: policies[first], occurrence: n, sameRef: true)
                } else {
                    byKey.insert(i, hash: hash)
                    primaries.append(i)
                }
            }
            // Duplicates, rule 2: one insured loan under two refs with overlapping cover.
            var byLoan = KeyIndex(rows: policies.count)
            var kept: [Int] = []
            kept.reserveCapacity(primaries.count)
            for i in primaries {
                let p = policies[i]
                let hash = KeyIndex.hash(p, loanKey)
                var earlier = -1
                byLoan.chain(hash) { j in
                    let q = policies[j]
                    guard KeyIndex.same(p, loanKey, q, loanKey) else { return }
                    if q.day(P.start_date)! < p.day(P.end_date)! && p.day(P.start_date)! < q.day(P.end_date)! {
                        earlier = j
                    }
                }
                if earlier >= 0 {
                    let key = PolicyKey(bank: p.text(P.bank_code)!, ref: p.text(P.policy_ref)!)
                    duplicateInBank(p, key: key, of: policies[earlier], occurrence: 1, sameRef: false)
                } else {
                    byLoan.insert(i, hash: hash)
                    kept.append(i)
                }
            }
            result.bankPolicies = kept.count
            if kept.count < 4_096 {
                for i in kept { reconcilePolicy(policies[i]) }
            } else {
                // Policies are independent once duplicates are settled: two halves in parallel, each in
                // its own copy of the state, merged in order so the outcome is the sequential one.
                let mid = kept.count / 2
                let halves = [RunBox(fresh()), RunBox(fresh())]
                let work = kept
                DispatchQueue.concurrentPerform(iterations: 2) { h in
                    let box = halves[h]
                    for k in (h == 0 ? 0..<mid : mid..<work.count) { box.run.reconcilePolicy(policies[work[k]]) }
                }
                merge(halves[0].run)
                merge(halves[1].run)
            }
            ledgerOnly()
            unknownPolicyEndorsements()
            unmatchedClaims()
            reviewTheRest()
            finishCorrectedLedger()
        }

        /// A copy of this state with no breaks, corrections or issued certificates of its own yet.
        func fresh() -> Run {
            var r = self
            r.result = PolicyReconcileResult()
            r.issued = []
            r.corrected = [:]
            r.correctedClaims = [:]
            r.recordedClaims = []
            return r
        }

        /// Takes over what a half did, after what this state already holds.
        mutating func merge(_ part: Run) {
            let offset = result.breaks.count
            result.breaks.append(contentsOf: part.result.breaks)
            for var c in part.result.corrections {
                c.breakIndex += offset
                result.corrections.append(c)
            }
            result.matched += part.result.matched
            result.eventsAfterAsOf += part.result.eventsAfterAsOf
            result.eventRejects.append(contentsOf: part.result.eventRejects)
            for i in 0..<endorsementUsed.count where part.endorsementUsed[i] { endorsementUsed[i] = true }
            for i in 0..<claimUsed.count where part.claimUsed[i] { claimUsed[i] = true }
            for i in 0..<ledgerClaimConsumed.count where part.ledgerClaimConsumed[i] { ledgerClaimConsumed[i] = true }
            correctedClaims.merge(part.correctedClaims) { mine, _ in mine }
            recordedClaims.append(contentsOf: part.recordedClaims)
            issued.append(contentsOf: part.issued)
            corrected.merge(part.corrected) { mine, _ in mine }
            for i in 0..<consumed.count {
                if part.consumed[i] { consumed[i] = true }
                if part.voided[i] { voided[i] = true }
            }
        }

        mutating func duplicateInBank(_ p: Record, key: PolicyKey, of first: Record, occurrence: Int, sameRef: Bool) {
            var b = Break(category: .DUPLICATE_IN_BANK, bankCode: key.bank, policyRef: key.ref)
            b.version = occurrence
            b.field = sameRef ? "policy_ref" : "loan_no"
            b.bankValue = sameRef ? key.ref : p.text(P.loan_no)!
            b.amountIDR = p.int(P.premium_amount)!
            b.money = .premium
            b.cause = Cause(.newBusiness, ref: key.ref, date: p.day(P.start_date)!).text
            b.source = source(p.source)
            b.detail =
                sameRef
                ? "policy_ref \(key.ref) was sent again; the row at \(source(first.source)) counts"
                : "loan \(p.text(P.loan_no)!) of the same debtor is already insured by \(first.text(P.policy_ref)!) (\(source(first.source))) with overlapping cover"
            let bi = add(b)
            if sameRef { return }
            // The ledger may have issued certificates for the duplicate ref: they are void.
            let (versions, dups) = versions(of: p, policyKey)
            for c in versions + dups.map(\.0) {
                voided[c] = true
                correct(
                    .VOID_DUPLICATE, cert: input.certificates[c].text(L.certificate_no)!, ref: key.ref, breakIndex: bi)
            }
            // The bank must withdraw the duplicate row: the break stays REVIEW whatever the ledger voids.
            correct(.REVIEW, cert: "", ref: key.ref, field: "loan_no", breakIndex: bi)
        }

        mutating func reconcilePolicy(_ p: Record) {
            let key = PolicyKey(bank: p.text(P.bank_code)!, ref: p.text(P.policy_ref)!)
            var events: [Record] = []
            endorsementIndex.chain(KeyIndex.hash(p, policyKey)) { j in
                if KeyIndex.same(p, policyKey, input.endorsements[j], endorsementKey) {
                    events.append(input.endorsements[j])
                    endorsementUsed[j] = true
                }
            }
            var claimRows: [Int] = []
            claimIndex.chain(KeyIndex.hash(p, policyKey)) { j in
                if KeyIndex.same(p, policyKey, input.claims[j], claimPolicyKey) {
                    claimRows.append(j)
                    claimUsed[j] = true
                }
            }
            claimRows.reverse()
            var notes = ReplayNotes()
            let expected = rc.replay.versions(
                of: p, endorsements: events, claims: claimRows.map { input.claims[$0] }, notes: &notes)
            result.eventsAfterAsOf += notes.afterAsOf
            result.eventRejects.append(contentsOf: notes.rejected)
            let (ledger, dups) = versions(of: p, policyKey)
            let before = result.breaks.count
            for (k, e) in expected.enumerated() {
                checkBankPremium(key: key, expected: e, ledger: k < ledger.count ? input.certificates[ledger[k]] : nil)
            }
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
            for j in claimRows {
                checkClaim(input.claims[j], policy: p, versions: expected, certificates: ledger)
            }
            if result.breaks.count == before { result.matched += 1 }
        }

        mutating func checkBankPremium(key: PolicyKey, expected e: ExpectedVersion, ledger: Record?) {
            guard let stated = e.statedPremium else { return }
            let diff = stated - e.premium
            guard diff.magnitude > tolerance[L.premium_amount.rawValue] else { return }
            var b = Break(category: .PREMIUM_MISCALCULATED, bankCode: key.bank, policyRef: key.ref)
            b.version = e.version
            b.field = "bank.premium_amount"
            b.bankValue = "\(stated)"
            b.ledgerValue = ledger?.int(L.premium_amount).map { "\($0)" } ?? ""
            b.difference = "\(diff)"
            b.amountIDR = Int64(diff.magnitude)
            b.money = .premium
            b.cause = e.cause.text
            b.source = source(e.source)
            b.detail =
                "the bank's premium \(stated) differs from round_half_up(\(e.sumInsured) × \(e.rate)‰) = \(e.premium)"
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
            b.detail =
                "a second certificate for \(key.ref) starting \(cert.day(L.start_date)?.iso ?? "(no start_date)")"
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
            b.cause = e.cause.text
            b.source = source(e.source)
            b.detail = "the ledger has no certificate for version \(e.version) starting \(e.startDate.iso)"
            let bi = add(b)
            let certNo = "RK-\(key.bank)-\(key.ref)-\(e.version)"
            result.breaks[bi].certificateNo = certNo
            var r = Record(values: e.certificate, source: SourceLocation(file: -1, line: 0))
            r.values.setText(L.certificate_no.rawValue, certNo)
            issued.append(r)
            correct(
                e.cause.kind == .endorsement ? .APPLY_ENDORSEMENT : .ISSUE_CERTIFICATE, cert: certNo, ref: key.ref,
                new: certNo, breakIndex: bi)
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
            b.detail =
                version == 1
                ? "the bank sent no policy \(key.ref) for this certificate"
                : "the bank's events give no version \(version) of \(key.ref)"
            _ = add(b)
        }

        /// Certificates no bank policy answered.
        mutating func ledgerOnly() {
            for c in input.certificates.indices where !consumed[c] {
                let cert = input.certificates[c]
                let key = PolicyKey(bank: cert.text(L.bank_code)!, ref: cert.text(L.policy_ref)!)
                let (versions, dups) = versions(of: cert, certificateKey)
                if input.rejectedKeys.contains(key) { continue }
                for (k, v) in versions.enumerated() { missingInBank(v, key: key, version: k + 1) }
                for (d, v) in dups { duplicateInLedger(d, key: key, version: v) }
            }
        }

        /// Fields compared as exact canonical text.
        static let exactFields: [L] = [
            .debtor_nik, .debtor_birth_date, .debtor_gender, .start_date, .end_date, .tenor_months,
        ]

        /// Compares one expected version with its certificate, field by field, on canonical bytes.
        mutating func compare(_ e: ExpectedVersion, _ c: Int, key: PolicyKey, bankRow p: Record) {
            let cert = input.certificates[c]
            let want = e.certificate
            let have = cert.values
            func same(_ f: L) -> Bool {
                want.withBytes(f.rawValue) { a in have.withBytes(f.rawValue) { b in Bytes.equal(a, b) } }
            }
            for f in Run.exactFields where carries(cert, f) && !same(f) {
                mismatch(.FIELD_MISMATCH, f, e, c, key: key, bankRow: p)
            }
            if carries(cert, .debtor_name),
                !want.withBytes(
                    L.debtor_name.rawValue,
                    { a in have.withBytes(L.debtor_name.rawValue) { b in NameNormal.equal(a, b) } })
            {
                mismatch(.FIELD_MISMATCH, .debtor_name, e, c, key: key, bankRow: p)
            }
            amount(.sum_insured, .FIELD_MISMATCH, .sum_insured, e, c, key: key, bankRow: p)
            // The ledger's premium: against its own sum insured when that agrees (PREMIUM_MISCALCULATED),
            // else against the expected premium (FIELD_MISMATCH).
            let sameSI =
                cert.int(L.sum_insured).map { ($0 - e.sumInsured).magnitude <= tolerance[L.sum_insured.rawValue] }
                ?? false
            if sameSI || !carries(cert, .sum_insured) {
                amount(
                    .premium_amount, .PREMIUM_MISCALCULATED, .premium, e, c, key: key, bankRow: p,
                    field: "ledger.premium_amount",
                    detail:
                        "the ledger's premium differs from round_half_up(\(e.sumInsured) × \(e.rate)‰) = \(e.premium)")
            } else {
                amount(.premium_amount, .FIELD_MISMATCH, .premium, e, c, key: key, bankRow: p)
            }
            if carries(cert, .status) && !same(.status) {
                mismatch(
                    .STATUS_MISMATCH, .status, e, c, key: key, bankRow: p, cause: e.statusCause,
                    detail: "the bank's events make the certificate \(e.status)")
            }
            var refundDetail = "the refund differs from the computed one"
            if let own = e.bankRefund, own != e.certificate.int(L.refund_amount.rawValue) {
                refundDetail += "; the bank's own figure is \(own)"
            }
            amount(
                .refund_amount, .REFUND_MISMATCH, .refund, e, c, key: key, bankRow: p, cause: e.statusCause,
                detail: refundDetail)
            // The corrected export is in the standard layout: what the ledger's own layout does not carry
            // is filled from the expected version, so a rerun against it compares complete rows.
            if !carried[Int(cert.source.file)].allSatisfy({ $0 }) {
                for f in L.allCases where !carries(cert, f) && !want.isAbsent(f.rawValue) {
                    want.withBytes(f.rawValue) {
                        corrected[c, default: input.certificates[c]].values.setBytes(f.rawValue, $0)
                    }
                }
            }
        }

        mutating func amount(
            _ f: L, _ category: BreakCategory, _ money: MoneyKind, _ e: ExpectedVersion, _ c: Int,
            key: PolicyKey, bankRow p: Record, cause: Cause? = nil, field: String? = nil, detail: String = ""
        ) {
            let cert = input.certificates[c]
            guard carries(cert, f) else { return }
            let expected = e.certificate.int(f.rawValue) ?? 0
            let have = cert.int(f) ?? (f == .refund_amount ? 0 : nil)
            if let have, (expected - have).magnitude <= tolerance[f.rawValue] { return }
            mismatch(
                category, f, e, c, key: key, bankRow: p, diff: expected - (have ?? 0), money: money, cause: cause,
                field: field, detail: detail)
        }

        mutating func mismatch(
            _ category: BreakCategory, _ f: L, _ e: ExpectedVersion, _ c: Int, key: PolicyKey,
            bankRow p: Record, diff: Int64? = nil, money: MoneyKind = .none, cause: Cause? = nil,
            field: String? = nil, detail: String = ""
        ) {
            let cert = input.certificates[c]
            let certNo = cert.text(L.certificate_no)!
            let bank = e.certificate.text(f.rawValue) ?? ""
            let ledger = cert.text(f) ?? ""
            var b = Break(category: category, bankCode: key.bank, policyRef: key.ref)
            b.certificateNo = certNo
            b.version = e.version
            b.field = field ?? f.name
            b.bankValue = f == .debtor_nik ? Masking.nik(bank) : bank
            b.ledgerValue = f == .debtor_nik ? Masking.nik(ledger) : ledger
            if let diff {
                b.difference = "\(diff)"
                b.amountIDR = Int64(diff.magnitude)
                b.money = money
            }
            b.cause = (cause ?? e.cause).text
            b.source = source((cause ?? e.cause).kind == .endorsement ? e.source : p.source)
            b.detail = detail.isEmpty ? "\(f.name) differs between the bank and certificate \(certNo)" : detail
            let bi = add(b)
            e.certificate.withBytes(f.rawValue) {
                corrected[c, default: input.certificates[c]].values.setBytes(f.rawValue, $0)
            }
            correct(
                (cause ?? e.cause).kind == .endorsement ? .APPLY_ENDORSEMENT : .UPDATE_FIELD, cert: certNo,
                ref: key.ref,
                field: f.name, old: ledger, new: bank, breakIndex: bi)
        }

        /// Endorsements whose policy the bank's new business does not hold (nor rejected): a break, not a
        /// silent drop.
        mutating func unknownPolicyEndorsements() {
            typealias E = EndorsementField
            for (i, e) in input.endorsements.enumerated() where !endorsementUsed[i] {
                let key = PolicyKey(bank: e.text(E.bank_code)!, ref: e.text(E.policy_ref)!)
                if input.rejectedKeys.contains(key) { continue }
                var inLedger = false
                ledger.chain(KeyIndex.hash(e, endorsementKey)) { j in
                    if KeyIndex.same(e, endorsementKey, input.certificates[j], certificateKey) { inLedger = true }
                }
                let ref = e.text(E.endorsement_ref)!, type = e.text(E.endorsement_type)!, eff = e.day(E.effective_date)!
                var b = Break(category: .MISSING_IN_BANK, bankCode: key.bank, policyRef: key.ref)
                b.field = "endorsement_ref"
                b.bankValue = ref
                b.cause = Cause(.endorsement, ref: ref, type: type, date: eff).text
                b.source = source(e.source)
                b.detail =
                    inLedger
                    ? "endorsement \(ref) is for policy \(key.ref), which the bank's new business does not hold (the ledger does); it was not applied"
                    : "endorsement \(ref) is for policy \(key.ref), which neither the bank's new business nor the ledger holds"
                _ = add(b)
            }
        }

        /// A break the insurer cannot clear alone still goes on its worklist, as REVIEW.
        mutating func reviewTheRest() {
            var answered = Array(repeating: false, count: result.breaks.count)
            for c in result.corrections { answered[c.breakIndex] = true }
            for (i, b) in result.breaks.enumerated() where !answered[i] {
                correct(.REVIEW, cert: b.certificateNo, ref: b.policyRef, field: b.field, breakIndex: i)
                result.corrections[result.corrections.count - 1].claimRef = b.claimRef
            }
        }

        mutating func finishCorrectedLedger() {
            var out: [Record] = []
            out.reserveCapacity(input.certificates.count + issued.count)
            for (i, r) in input.certificates.enumerated() where !voided[i] { out.append(corrected[i] ?? r) }
            out.append(contentsOf: issued)
            result.correctedCertificates = out
            var claims: [Record] = []
            claims.reserveCapacity(input.ledgerClaims.count + recordedClaims.count)
            for (i, r) in input.ledgerClaims.enumerated() { claims.append(correctedClaims[i] ?? r) }
            claims.append(contentsOf: recordedClaims)
            result.correctedClaims = claims
        }
    }
}

/// One half's state, handed to its worker thread and back.
final class RunBox: @unchecked Sendable {
    var run: PolicyReconciler.Run
    init(_ run: PolicyReconciler.Run) { self.run = run }
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
            if pendingSpace {
                out.append(32)
                pendingSpace = false
            }
            if c >= 0x80 { ascii = false }
            out.append(c >= 97 && c <= 122 ? c - 32 : c)
        }
        let t = String(decoding: out, as: UTF8.self)
        return ascii ? t : t.uppercased()
    }

    /// The same comparison on bytes, without allocating when both names are ASCII.
    public static func equal(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        if Bytes.equal(a, b) { return true }
        var ascii = true
        for c in a where c >= 0x80 {
            ascii = false
            break
        }
        if ascii {
            for c in b where c >= 0x80 {
                ascii = false
                break
            }
        }
        if !ascii { return form(String(decoding: a, as: UTF8.self)) == form(String(decoding: b, as: UTF8.self)) }
        @inline(__always) func blank(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 }
        @inline(__always) func up(_ c: UInt8) -> UInt8 { c >= 97 && c <= 122 ? c - 32 : c }
        var i = 0
        var j = 0
        while i < a.count && blank(a[i]) { i += 1 }
        while j < b.count && blank(b[j]) { j += 1 }
        while true {
            let endA = i == a.count
            let endB = j == b.count
            if endA || endB { return endA && endB }
            let ca = a[i]
            let cb = b[j]
            if blank(ca) || blank(cb) {
                guard blank(ca) && blank(cb) else {
                    // A run of blanks at the very end counts as nothing.
                    var k = i
                    var l = j
                    while k < a.count && blank(a[k]) { k += 1 }
                    while l < b.count && blank(b[l]) { l += 1 }
                    return k == a.count && l == b.count
                }
                while i < a.count && blank(a[i]) { i += 1 }
                while j < b.count && blank(b[j]) { j += 1 }
                let endA2 = i == a.count
                let endB2 = j == b.count
                if endA2 || endB2 { return endA2 && endB2 }
                continue
            }
            if up(ca) != up(cb) { return false }
            i += 1
            j += 1
        }
    }
}
