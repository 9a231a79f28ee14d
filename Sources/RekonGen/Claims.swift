import RekonCore

enum ClaimText {
    static let types = [Lit("DEATH"), Lit("PHK"), Lit("DEFAULT")]
    static let typeNames = ["DEATH", "PHK", "DEFAULT"]
    static let statuses = Codes.claimStatus.map { Lit($0) }
    static let statusNames = Codes.claimStatus
    /// The documents each claim type needs (rekon.json `claims.documents`), by type.
    static let documentNames = [
        ["DEATH_CERT", "ID_CARD", "CLAIM_FORM"], ["PHK_LETTER", "ID_CARD"], ["DEFAULT_NOTICE"],
    ]
    static let documents = documentNames.map { $0.map { Lit($0) } }
    static let reportDeadlineDays = 90
    static let element = Lit("Claim")
    static let names = Catalogue.claim.map(\.name)
    static let tags = names.map { Lit($0) }
    static let ledgerNames = Catalogue.ledgerClaim.map(\.name)

    /// The product's `claims` object in rekon.json.
    static let configJSON: String = {
        let docs = typeNames.indices.map { k in
            "\"\(typeNames[k])\": [" + documentNames[k].map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
        return "{\"report_deadline_days\": \(reportDeadlineDays), \"documents\": {\(docs.joined(separator: ", "))}}"
    }()
}

/// Claim status indices into `Codes.claimStatus`.
enum ClaimStatus {
    static let reported = 0, docsPending = 1, underReview = 2, approved = 3, rejected = 4, paid = 5
}

/// The claim a bank sends (and the ledger records) for one policy. Its ref is `<BANK>-K-<serial>`.
struct ClaimEvent: Sendable {
    /// Index into `ClaimText.types`.
    var type: Int
    var status: Int
    var loss: Day
    var reported: Day
    /// How many of the type's required documents the bank lists; `dropDocument` >= 0 leaves that one out.
    var documents: Int
    var dropDocument = -1
    var amount: Int64
    /// PAID: the amount and the date (-1: none).
    var paidAmount: Int64 = -1
    var paidDate: Day? = nil
    var inBank = true
    var inLedger = true
    /// The ledger's status and paid amount, where they differ from the bank's.
    var ledgerStatus: Int
    var ledgerPaidAmount: Int64 = -1

    /// Whether rekon's replay ends the policy's (only) version as CLAIMED with this claim.
    func claims(_ p: PolicyRecord, asOf: Day) -> Bool {
        inBank && (status == ClaimStatus.approved || status == ClaimStatus.paid) && loss >= p.start && loss < p.end
            && loss <= asOf
    }
}

extension FaultKind {
    /// Whether the fault is about claims (the policy's new business row is clean, it has no endorsements).
    var isClaim: Bool { rawValue >= FaultKind.clmMissingInLedger.rawValue }
}

extension WorldModel {
    /// Whether clean policy `index` (one without endorsements) gets a claim, and the claim's own stream.
    @inline(__always) func claimStream(_ index: Int) -> SplitMix64? {
        guard claimPercent > 0 else { return nil }
        var r = SplitMix64.stream(seed: seed, salt: 0xC1A1_0004, index: index)
        guard r.percent(claimPercent) else { return nil }
        guard endorsementPattern(index) == nil else { return nil }
        return r
    }

    /// The claim types that match the coverage of product `k` (DEATH any, PHK only LIFE_PHK, DEFAULT only CREDIT).
    func coveredType(product k: Int, _ r: inout SplitMix64) -> Int {
        switch products[k].coverage {
        case "LIFE_PHK": return r.percent(50) ? 0 : 1
        case "CREDIT": return r.percent(50) ? 0 : 2
        default: return 0
        }
    }

    /// A loss date in cover: from the start to before the end and on or before the day before the cut-off.
    func lossInCover(_ p: PolicyRecord, _ r: inout SplitMix64) -> Day {
        let last = min(p.end.addingDays(-1), asOf.addingDays(-1))
        let span = max(0, Int(last.number - p.start.number))
        return p.start.addingDays(r.below(span + 1))
    }

    /// The claim of policy `p` (clean, or carrying a claim fault); nil: none.
    func claim(of p: PolicyRecord, fault: Fault?) -> ClaimEvent? {
        var r: SplitMix64
        if let f = fault {
            guard f.kind.isClaim else { return nil }
            r = SplitMix64(seed: f.random ^ 0xC1A1_0005)
        } else {
            guard let s = claimStream(p.index) else { return nil }
            r = s
        }
        let type = coveredType(product: p.product, &r)
        let loss = lossInCover(p, &r)
        let reported = min(loss.addingDays(r.below(ClaimText.reportDeadlineDays + 1)), max(loss, asOf))
        var c = ClaimEvent(
            type: type, status: ClaimStatus.reported, loss: loss, reported: reported,
            documents: ClaimText.documentNames[type].count, amount: p.sumInsured, ledgerStatus: 0)
        func pay() {
            c.paidAmount = p.sumInsured
            c.paidDate = min(c.reported.addingDays(1 + r.below(30)), max(c.reported, asOf))
        }
        guard let f = fault else {
            c.status = r.below(6)
            if c.status <= ClaimStatus.docsPending && r.percent(50) { c.documents = 0 }
            if c.status == ClaimStatus.paid { pay() }
            c.ledgerStatus = c.status
            c.ledgerPaidAmount = c.paidAmount
            return c
        }
        switch f.kind {
        case .clmMissingInLedger:
            c.status =
                [ClaimStatus.reported, ClaimStatus.underReview, ClaimStatus.approved, ClaimStatus.paid][
                    f.occurrence % 4]
            if c.status == ClaimStatus.paid { pay() }
            c.inLedger = false
        case .clmMissingInBank:
            c.inBank = false
        case .clmStatus:
            // The bank's claim is still open; the ledger moved it on.
            if f.occurrence % 2 == 0 {
                c.status = ClaimStatus.underReview
                c.ledgerStatus = ClaimStatus.approved
            } else {
                c.status = ClaimStatus.reported
                c.documents = 0
                c.ledgerStatus = ClaimStatus.docsPending
            }
            c.ledgerPaidAmount = c.paidAmount
            return c
        case .clmPaidAmount:
            c.status = ClaimStatus.paid
            pay()
            c.ledgerStatus = c.status
            c.ledgerPaidAmount = c.paidAmount - Int64(1 + r.below(4)) * 500_000
            return c
        case .clmWrongType:
            // A type the coverage does not give: PHK on LIFE or CREDIT, DEFAULT on LIFE_PHK.
            c.type = products[p.product].coverage == "LIFE_PHK" ? 2 : 1
            c.documents = 0
        case .clmAfterEnd:
            // The policy expired before the cut-off: the loss is on or after its end date.
            let span = max(1, Int(asOf.number - p.end.number))
            c.type = 0
            c.loss = p.end.addingDays(r.below(span))
            c.reported = min(c.loss.addingDays(r.below(31)), max(c.loss, asOf))
            c.documents = 0
        case .clmLateReport:
            c.type = 0
            c.reported = c.loss.addingDays(ClaimText.reportDeadlineDays + 1 + r.below(60))
            c.documents = 0
        case .clmDocuments:
            c.type = 0
            c.status = ClaimStatus.approved
            c.documents = 3
            c.dropDocument = r.below(3)
        case .clmBeforeStart:
            c.type = 0
            c.loss = p.start.addingDays(-(1 + r.below(30)))
            c.reported = c.loss.addingDays(r.below(10))
            c.documents = 0
        default:
            return nil
        }
        c.ledgerStatus = c.status
        c.ledgerPaidAmount = c.paidAmount
        return c
    }

    /// `<BANK>-K-<serial>`.
    func appendClaimRef(bank: Int, serial: Int, to out: inout RawBytes) {
        out.append(banks[bank].codeBytes)
        out.byte(UInt8(ascii: "-"))
        out.byte(UInt8(ascii: "K"))
        out.byte(UInt8(ascii: "-"))
        out.padded(serial, width: serialWidth)
    }

    func claimRef(bank: Int, serial: Int) -> String {
        var b = RawBytes(capacity: 32)
        defer { b.free() }
        appendClaimRef(bank: bank, serial: serial, to: &b)
        return String(decoding: b.raw, as: UTF8.self)
    }

    /// The bank row of claim `c` of `p`, in catalogue order.
    func fillClaimRow(_ p: PolicyRecord, _ c: ClaimEvent, into row: inout FieldRow) {
        row.reset()
        appendClaimRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        appendRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        row.field(banks[p.bank].codeBytes)
        row.field(ClaimText.types[c.type])
        row.day(c.loss)
        row.day(c.reported)
        row.int(c.amount)
        row.field(ClaimText.statuses[c.status])
        var first = true
        for k in 0..<c.documents where k != c.dropDocument {
            if !first { row.bytes.byte(UInt8(ascii: ";")) }
            row.bytes.append(ClaimText.documents[c.type][k])
            first = false
        }
        row.close()
        if c.paidAmount >= 0 { row.int(c.paidAmount) } else { row.empty() }
        if let d = c.paidDate { row.day(d) } else { row.empty() }
    }

    /// The ledger's row of claim `c` of `p` (certificate `certificate`, the policy's version 1).
    func fillLedgerClaimRow(_ p: PolicyRecord, _ c: ClaimEvent, certificate: Int, into row: inout FieldRow) {
        row.reset()
        appendClaimRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        appendCertificateNo(bank: p.bank, number: certificate, to: &row.bytes)
        row.close()
        appendRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        row.field(banks[p.bank].codeBytes)
        row.field(ClaimText.types[c.type])
        row.day(c.loss)
        row.day(c.reported)
        row.int(c.amount)
        let approved = c.ledgerStatus == ClaimStatus.approved || c.ledgerStatus == ClaimStatus.paid
        if approved { row.int(c.amount) } else { row.empty() }  // approved_amount
        row.field(ClaimText.statuses[c.ledgerStatus])
        row.empty()  // missing_documents
        if c.ledgerPaidAmount >= 0 { row.int(c.ledgerPaidAmount) } else { row.empty() }
        if let d = c.paidDate { row.day(d) } else { row.empty() }
    }
}
