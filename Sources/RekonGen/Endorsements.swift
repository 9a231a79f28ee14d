import RekonCore

/// The four endorsement types of the standard layout.
enum EndorsementType: Int, Sendable {
    case dataChange, topUp, settlement, cancellation

    var lit: Lit {
        switch self {
        case .dataChange: return EndorsementText.dataChange
        case .topUp: return EndorsementText.topUp
        case .settlement: return EndorsementText.settlement
        case .cancellation: return EndorsementText.cancellation
        }
    }
}

enum EndorsementText {
    static let dataChange = Lit("DATA_CHANGE"), topUp = Lit("TOP_UP"), settlement = Lit("EARLY_SETTLEMENT")
    static let cancellation = Lit("CANCELLATION")
    static let reasons = [Lit("ADMIN_ERROR"), Lit("DUPLICATE"), Lit("OTHER")]
    static let reasonNames = ["ADMIN_ERROR", "DUPLICATE", "OTHER"]
    static let element = Lit("Endorsement")
    static let names = Catalogue.endorsement.map(\.name)
    static let tags = names.map { Lit($0) }
}

/// One endorsement a bank sends for a policy. Its ref is `<BANK>-E-<serial>-<seq>`.
struct EndorsementEvent: Sendable {
    var type: EndorsementType
    var seq: Int
    var effective: Day
    /// Index into `EndorsementText.reasons` (cancellations).
    var cancelReason = 0
    /// DATA_CHANGE: the debtor's name becomes the policy's alternative name (another surname).
    var rename = false
    /// TOP_UP: the new sum insured and, when > 0, the new tenor stated by the bank.
    var newSumInsured: Int64 = 0
    var newTenor = 0
    /// TOP_UP: whether the bank states its new premium, and by how much it is off (a fault).
    var statesPremium = false
    var premiumDelta: Int64 = 0
    /// Whether the bank states its own refund figure (the computed one) for an event that ends a version.
    var statesRefund = false
    /// The endorsement is for a policy ref neither side holds.
    var unknownPolicy = false
    /// Filled by the replay: the refund of the version the event ended, the premium of the version it opened.
    var refund: Int64 = -1
    var premium: Int64 = -1
}

enum CoverStatus: Sendable { case active, replaced, settled, cancelled, expired }

/// One coverage version as rekon's replay (RekonCore `Replay`) makes it.
struct CoverVersion: Sendable {
    var number: Int
    var sumInsured: Int64
    var premium: Int64
    var start: Day
    var end: Day
    var tenor: Int
    var status: CoverStatus
    /// -1: the ledger leaves the field empty.
    var refund: Int64
    var renamed: Bool
    /// The seq of the last endorsement applied to it (0: none).
    var lastSeq: Int
}

extension FaultKind {
    /// Whether the fault is about endorsements (the policy's new business row and certificate are clean).
    var isEndorsement: Bool {
        rawValue >= FaultKind.endDataChangeMissed.rawValue && rawValue <= FaultKind.endAfterAsOf.rawValue
    }
}

extension WorldModel {
    /// The endorsement patterns of clean policies; a pattern with a TOP_UP gives the policy a second version.
    static let patterns: [[EndorsementType]] = [
        [.dataChange], [.topUp], [.settlement], [.cancellation], [.dataChange, .topUp], [.topUp, .settlement],
        [.topUp, .cancellation], [.topUp, .dataChange], [.dataChange, .settlement], [.dataChange, .cancellation],
    ]

    /// The endorsement pattern of clean policy `index` (nil: it has none), from its own stream, without the policy.
    @inline(__always) func endorsementPattern(_ index: Int) -> (pattern: Int, rng: SplitMix64)? {
        var r = SplitMix64.stream(seed: seed, salt: 0xE4D0_0003, index: index)
        guard r.percent(endorsementPercent) else { return nil }
        return (r.below(WorldModel.patterns.count), r)
    }

    /// How many certificates the ledger holds for a policy with endorsements (1 or 2).
    func ledgerVersions(index: Int, fault: Fault?) -> Int {
        if let f = fault { return f.kind == .endTopUpPremium ? 2 : 1 }
        guard let (k, _) = endorsementPattern(index) else { return 1 }
        return WorldModel.patterns[k].contains(.topUp) ? 2 : 1
    }

    /// A top-up: a larger sum insured, and sometimes a new tenor the bank states.
    func topUp(_ p: PolicyRecord, seq: Int, at d: Day, _ r: inout SplitMix64) -> EndorsementEvent {
        var e = EndorsementEvent(type: .topUp, seq: seq, effective: d)
        e.newSumInsured = p.sumInsured + Int64(r.inRange(1, 20)) * 5_000_000
        let spec = products[p.product]
        let tenor = spec.tenors[r.below(spec.tenors.count)]
        e.newTenor = r.percent(40) ? tenor : 0
        e.statesPremium = r.percent(70)
        return e
    }

    /// The endorsements of policy `p` (clean, or carrying `fault`), in replay order.
    func endorsements(of p: PolicyRecord, fault: Fault?) -> [EndorsementEvent] {
        let last = min(p.end.addingDays(-1), asOf)
        if let f = fault {
            guard f.kind.isEndorsement else { return [] }
            var r = SplitMix64(seed: f.random)
            // Early in the first month: a refund of nearly the whole premium, never zero.
            let early = min(p.start.addingDays(1 + r.below(20)), last)
            let any = p.start.addingDays(1 + r.below(max(1, Int(last.number - p.start.number))))
            switch f.kind {
            case .endDataChangeMissed:
                var e = EndorsementEvent(type: .dataChange, seq: 1, effective: any)
                e.rename = true
                return [e]
            case .endTopUpMissed:
                return [topUp(p, seq: 1, at: early, &r)]
            case .endTopUpPremium:
                var e = topUp(p, seq: 1, at: any, &r)
                e.statesPremium = true
                e.premiumDelta = f.premiumDelta
                return [e]
            case .endRefundWrong:
                var e = EndorsementEvent(
                    type: f.occurrence % 2 == 0 ? .settlement : .cancellation, seq: 1, effective: early)
                e.cancelReason = f.occurrence % 4 == 1 ? 0 : 2
                e.statesRefund = true
                return [e]
            case .endSettlementMissed:
                var e = EndorsementEvent(type: .settlement, seq: 1, effective: early)
                e.statesRefund = r.percent(50)
                return [e]
            case .endBeforeStart:
                var e = EndorsementEvent(type: .dataChange, seq: 1, effective: p.start.addingDays(-(1 + r.below(30))))
                e.rename = true
                return [e]
            case .endUnknownPolicy:
                var e = EndorsementEvent(type: .settlement, seq: 1, effective: any)
                e.unknownPolicy = true
                return [e]
            case .endAfterAsOf:
                var e = EndorsementEvent(type: .dataChange, seq: 1, effective: asOf.addingDays(1 + r.below(60)))
                e.rename = true
                return [e]
            default:
                return []
            }
        }
        guard let (k, stream) = endorsementPattern(p.index) else { return [] }
        var r = stream
        var events: [EndorsementEvent] = []
        var d = p.start.addingDays(1 + r.below(max(1, Int(last.number - p.start.number))))
        for (seq, type) in WorldModel.patterns[k].enumerated() {
            if seq > 0 {
                // A second event on or after the first, within 27 days: before the end of whatever version is
                // in force (a top-up's runs a month at least), never after the cut-off.
                d = min(d.addingDays(r.below(28)), last)
            }
            switch type {
            case .dataChange:
                var e = EndorsementEvent(type: .dataChange, seq: seq + 1, effective: d)
                e.rename = true
                events.append(e)
            case .topUp:
                events.append(topUp(p, seq: seq + 1, at: d, &r))
            case .settlement, .cancellation:
                var e = EndorsementEvent(type: type, seq: seq + 1, effective: d)
                e.cancelReason = r.below(3)
                e.statesRefund = r.percent(60)
                events.append(e)
            }
        }
        return events
    }

    /// The versions rekon's replay makes of `p` with `events` (RekonCore `Replay.versions`, mirrored); fills each
    /// applied event's refund and premium.
    func replay(_ p: PolicyRecord, _ events: inout [EndorsementEvent]) -> [CoverVersion] {
        let product = configProducts[p.product]
        var versions = [
            CoverVersion(
                number: 1, sumInsured: p.sumInsured, premium: p.premium, start: p.start, end: p.end, tenor: p.tenor,
                status: .active, refund: 0, renamed: false, lastSeq: 0)
        ]
        for k in events.indices {
            let e = events[k]
            if e.unknownPolicy || e.effective > asOf || e.effective < p.start { continue }
            var v = versions[versions.count - 1]
            guard v.status == .active else { continue }
            let refund = Refund.amount(
                premium: v.premium, tenorMonths: Int64(v.tenor), start: v.start, end: v.end, at: e.effective,
                rule: product.refund)
            switch e.type {
            case .dataChange:
                if e.rename { v.renamed = true }
                v.lastSeq = e.seq
                versions[versions.count - 1] = v
            case .topUp:
                let elapsed = Refund.elapsedMonths(start: v.start, at: e.effective)
                let tenor = e.newTenor > 0 ? e.newTenor : Int(max(1, Int64(v.tenor) - elapsed))
                let rate = product.rate(tenorMonths: Int64(tenor)) ?? p.rate
                var next = v
                v.status = .replaced
                v.refund = refund
                v.lastSeq = e.seq
                versions[versions.count - 1] = v
                next.number = v.number + 1
                next.start = e.effective
                next.end = e.effective.addingMonths(tenor)
                next.tenor = tenor
                next.sumInsured = e.newSumInsured
                next.premium = Money.premium(sumInsured: e.newSumInsured, rate: rate)
                next.status = .active
                next.refund = 0
                next.lastSeq = e.seq
                versions.append(next)
                events[k].refund = refund
                events[k].premium = next.premium
            case .settlement:
                v.status = .settled
                v.refund = refund
                v.lastSeq = e.seq
                versions[versions.count - 1] = v
                events[k].refund = refund
            case .cancellation:
                v.status = .cancelled
                v.refund =
                    product.fullRefundCancelReasons.contains(EndorsementText.reasonNames[e.cancelReason])
                    ? v.premium : refund
                v.lastSeq = e.seq
                versions[versions.count - 1] = v
                events[k].refund = v.refund
            }
        }
        var last = versions[versions.count - 1]
        if last.status == .active && last.end < asOf {
            last.status = .expired
            versions[versions.count - 1] = last
        }
        return versions
    }

    /// The versions the ledger holds: the replay's, with an endorsement fault's mistake in them.
    func ledgerVersions(_ p: PolicyRecord, _ events: inout [EndorsementEvent], fault: Fault?) -> [CoverVersion] {
        var v = replay(p, &events)
        guard let f = fault else { return v }
        switch f.kind {
        case .endDataChangeMissed:
            v[0].renamed = false
            v[0].lastSeq = 0
        case .endTopUpMissed, .endSettlementMissed:
            v = [v[0]]
            v[0].status = .active
            v[0].refund = -1
            v[0].lastSeq = 0
        case .endRefundWrong:
            let delta = f.premiumDelta
            v[0].refund += v[0].refund + delta < 0 ? -delta : delta
        default: break
        }
        return v
    }

    /// `<BANK>-E-<serial>-<seq>`.
    func appendEndorsementRef(bank: Int, serial: Int, seq: Int, to out: inout RawBytes) {
        out.append(banks[bank].codeBytes)
        out.byte(UInt8(ascii: "-"))
        out.byte(UInt8(ascii: "E"))
        out.byte(UInt8(ascii: "-"))
        out.padded(serial, width: serialWidth)
        out.byte(UInt8(ascii: "-"))
        out.digits(seq)
    }

    /// The ref of an endorsement's policy that neither side holds: `<BANK>-Q-<serial>`.
    func appendUnknownRef(bank: Int, serial: Int, to out: inout RawBytes) {
        out.append(banks[bank].codeBytes)
        out.byte(UInt8(ascii: "-"))
        out.byte(UInt8(ascii: "Q"))
        out.byte(UInt8(ascii: "-"))
        out.padded(serial, width: serialWidth)
    }

    func unknownRef(bank: Int, serial: Int) -> String {
        var b = RawBytes(capacity: 32)
        defer { b.free() }
        appendUnknownRef(bank: bank, serial: serial, to: &b)
        return String(decoding: b.raw, as: UTF8.self)
    }

    /// The name a DATA_CHANGE gives: the same given names with another surname (one added when there was none).
    func appendNewName(_ p: PolicyRecord, to out: inout RawBytes) {
        (p.female ? tables.femaleFirst : tables.maleFirst).append(p.first, to: &out)
        if p.middle >= 0 {
            out.byte(32)
            (p.female ? tables.femaleMiddle : tables.maleMiddle).append(p.middle, to: &out)
        }
        out.byte(32)
        tables.surname.append(
            p.last >= 0 ? (p.last + 1) % tables.surname.count : p.first % tables.surname.count, to: &out)
        if p.title >= 0 { tables.titles.append(p.title, to: &out) }
    }

    /// The bank row of endorsement `e` of `p`, in catalogue order.
    func fillEndorsementRow(_ p: PolicyRecord, _ e: EndorsementEvent, into row: inout FieldRow) {
        row.reset()
        appendEndorsementRef(bank: p.bank, serial: p.serial, seq: e.seq, to: &row.bytes)
        row.close()
        if e.unknownPolicy {
            appendUnknownRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        } else {
            appendRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        }
        row.close()
        row.field(banks[p.bank].codeBytes)
        row.field(e.type.lit)
        row.day(e.effective)
        if e.type == .cancellation { row.field(EndorsementText.reasons[e.cancelReason]) } else { row.empty() }
        if e.rename { appendNewName(p, to: &row.bytes) }
        row.closeText()
        row.empty()  // new_debtor_birth_date
        row.empty()  // new_debtor_gender
        row.closeText()  // new_debtor_address
        row.empty()  // new_debtor_phone
        if e.type == .topUp {
            row.int(e.newSumInsured)
            if e.newTenor > 0 { row.int(Int64(e.newTenor)) } else { row.empty() }
            if e.statesPremium && e.premium >= 0 { row.int(e.premium + e.premiumDelta) } else { row.empty() }
        } else {
            row.empty()
            row.empty()
            row.empty()
        }
        if e.statesRefund && e.refund >= 0 { row.int(e.refund) } else { row.empty() }
    }
}
