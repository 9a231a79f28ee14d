import RekonCore

private let unknownProduct = Lit("XYZ-NONE")
private let idr = Lit("IDR")
private let statusActive = Lit("ACTIVE")
private let statusExpired = Lit("EXPIRED")
private let statusCancelled = Lit("CANCELLED")
private let statusReplaced = Lit("REPLACED")
private let statusSettled = Lit("SETTLED")
private let statusClaimed = Lit("CLAIMED")
private let versionSuffix = Lit("-2")
private let zero = Lit("0")
private let nothing = Lit("")
private let timeZone = Lit("+07:00")

extension WorldModel {
    /// The loan duplicate: the same debtor and loan under a new ref, starting a few days later when the
    /// rules still hold then (else on the same day): its cover overlaps the original's.
    func duplicateLoanPolicy(of p: PolicyRecord, fault: Fault) -> PolicyRecord {
        var q = p
        q.serial = fault.extraSerial
        q.start = p.start.addingDays(Int(fault.random % 20) + 1)
        q.end = q.start.addingMonths(q.tenor)
        if !passesRules(q) {
            q.start = p.start
            q.end = p.end
        }
        q.expired = q.end < asOf
        q.startCivil = q.start.civil
        q.endCivil = q.end.civil
        return q
    }

    /// The bank row of `p` in catalogue order, broken as a reject fault says (other faults leave the bank
    /// row clean, except a bank premium off by `delta`). Returns the sum insured (nil when not a number)
    /// and the premium written.
    @discardableResult
    func fillPolicyRow(_ p: PolicyRecord, fault kind: FaultKind?, delta: Int64 = 0, into row: inout FieldRow)
        -> (sumInsured: Int64?, premium: Int64)
    {
        let spec = products[p.product]
        row.reset()
        appendRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        row.field(banks[p.bank].codeBytes)
        appendBranch(p, to: &row.bytes)
        row.close()
        row.field(kind == .unknownProduct ? unknownProduct : spec.codeBytes)
        row.bytes.append(spec.coverageBytes)
        if kind == .badCode { row.bytes.byte(UInt8(ascii: "X")) }
        row.close()

        let nik = row.bytes.count
        appendNIK(p, to: &row.bytes)
        if kind == .badNik { row.bytes.count -= 1 }
        if kind == .nikMismatch {
            // Another month in digits 9-10: still 16 digits, no longer the birth date.
            let m = p.birthCivil.month % 12 + 1
            row.bytes.base[nik + 8] = UInt8(48 + m / 10)
            row.bytes.base[nik + 9] = UInt8(48 + m % 10)
        }
        row.close()

        if kind != .missingField { appendName(p, to: &row.bytes) }
        row.closeText()
        if kind == .badDate {
            let (y, _, d) = p.birthCivil
            row.bytes.padded(y, width: 4)
            row.bytes.append(Lit.month13)
            row.bytes.padded(d, width: 2)
            row.close()
        } else {
            row.day(p.birthCivil)
        }
        row.bytes.byte(p.female ? UInt8(ascii: "F") : UInt8(ascii: "M"))
        row.close()
        if kind == .badRow {
            appendAddress(p, style: .oneComma, to: &row.bytes)
            row.verbatim = true
        } else {
            appendAddress(p, style: p.multilineAddress ? .twoLines : .oneLine, to: &row.bytes)
        }
        row.closeText()
        appendPhone(p, to: &row.bytes)
        row.close()
        appendLoanNo(p, to: &row.bytes)
        row.close()

        if kind == .outOfLimits {
            row.int(p.sumInsured - 1_000_000)
        } else if p.plafond >= 0 {
            row.int(p.plafond)
        } else {
            row.empty()
        }
        var si: Int64? = p.sumInsured
        if kind == .badNumber {
            // A letter O for a zero: `15000O000` (a sum insured is whole millions, so it ends in zeros).
            row.bytes.digits(p.sumInsured)
            row.bytes.base[row.bytes.count - 4] = UInt8(ascii: "O")
            row.close()
            si = nil
        } else {
            row.int(p.sumInsured)
        }
        row.day(p.startCivil)
        row.int(Int64(p.tenor))
        if kind == .inconsistentDates { row.day(p.end.addingDays(-1)) } else { row.day(p.endCivil) }
        row.field(spec.rateTexts[spec.band(tenor: p.tenor)])
        let premium = p.premium + delta
        row.int(premium)
        row.field(p.currencyEmpty ? nothing : idr)
        return (si, premium)
    }

    /// The ledger certificate of `p` numbered `certificate`, one field off as a ledger fault says.
    /// `variation` lets a clean certificate spell the name with another case or extra blanks. `cover`: the
    /// version of a policy with endorsements the certificate is for (version 2 numbered `<certificate>-2`).
    func fillLedgerRow(
        _ p: PolicyRecord, certificate: Int, fault: Fault?, variation: Bool, cover: CoverVersion? = nil,
        claimed: Bool = false, into row: inout FieldRow
    ) {
        let kind = fault?.kind
        let spec = products[p.product]
        row.reset()
        appendCertificateNo(bank: p.bank, number: certificate, to: &row.bytes)
        if let c = cover, c.number > 1 { row.bytes.append(versionSuffix) }
        row.close()
        appendRef(bank: p.bank, serial: p.serial, to: &row.bytes)
        row.close()
        row.field(banks[p.bank].codeBytes)
        row.field(spec.codeBytes)
        row.field(spec.coverageBytes)
        appendNIK(p, to: &row.bytes)
        if kind == .ledgerNik {
            let last = row.bytes.count - 1
            row.bytes.base[last] = UInt8(48 + (row.bytes.base[last] - 48 + 1) % 10)
        }
        row.close()

        let nameStart = row.bytes.count
        if cover?.renamed == true { appendNewName(p, to: &row.bytes) } else { appendName(p, to: &row.bytes) }
        if kind == .ledgerName || (variation && p.ledgerNameVariant > 0) {
            var name = Array(UnsafeBufferPointer(start: row.bytes.base + nameStart, count: row.bytes.count - nameStart))
            if kind == .ledgerName { WorldModel.typo(&name) } else { WorldModel.vary(&name, p.ledgerNameVariant) }
            row.bytes.count = nameStart
            row.bytes.append(name)
        }
        row.closeText()

        if kind == .ledgerBirthDate { row.day(p.birth.addingMonths(-12)) } else { row.day(p.birthCivil) }
        let female = kind == .ledgerGender ? !p.female : p.female
        row.bytes.byte(female ? UInt8(ascii: "F") : UInt8(ascii: "M"))
        row.close()
        appendLoanNo(p, to: &row.bytes)
        row.close()

        var si = p.sumInsured
        var premium = p.premium
        if kind == .ledgerSumInsured, let f = fault {
            // Another sum insured, and the premium the ledger derived from it at the same rate.
            let step = Int64(f.random % 5 + 1) * 5_000_000
            si = si > 2 * step ? si - step : si + step
            premium = Money.premium(sumInsured: si, rate: p.rate)
        }
        if kind == .ledgerPremium, let f = fault { premium += f.premiumDelta }
        if let c = cover {
            row.int(c.sumInsured)
            row.day(c.start)
            row.day(c.end)
            row.int(Int64(c.tenor))
            row.int(c.premium)
            switch c.status {
            case .active: row.field(statusActive)
            case .expired: row.field(statusExpired)
            case .replaced: row.field(statusReplaced)
            case .settled: row.field(statusSettled)
            case .cancelled: row.field(statusCancelled)
            }
            if c.refund < 0 || (c.refund == 0 && c.status == .active && p.ledgerRefundEmpty) {
                row.empty()
            } else {
                row.int(c.refund)
            }
            if c.status == .replaced {
                appendCertificateNo(bank: p.bank, number: certificate, to: &row.bytes)
                row.bytes.append(versionSuffix)
            }
            row.close()  // replaced_by
            if c.lastSeq > 0 { appendEndorsementRef(bank: p.bank, serial: p.serial, seq: c.lastSeq, to: &row.bytes) }
            row.close()  // last_endorsement_ref
            appendUpdatedAt(p, from: c.start, to: &row)
            return
        }
        row.int(si)
        if kind == .ledgerStartDate, let f = fault {
            row.day(p.start.addingDays(-(Int(f.random % 5) + 1)))
        } else {
            row.day(p.startCivil)
        }
        if kind == .ledgerEndDate { row.day(p.end.addingMonths(1)) } else { row.day(p.endCivil) }
        row.int(Int64(kind == .ledgerTenor ? p.tenor + 12 : p.tenor))
        row.int(premium)
        switch kind {
        case .statusCancelled: row.field(statusCancelled)
        case .statusActive: row.field(statusActive)
        default: row.field(claimed ? statusClaimed : p.expired ? statusExpired : statusActive)
        }
        if kind == .refund {
            row.int(250_000)
        } else {
            row.field(p.ledgerRefundEmpty ? nothing : zero)
        }
        row.empty()  // replaced_by
        row.empty()  // last_endorsement_ref
        appendUpdatedAt(p, from: p.start, to: &row)
    }

    /// `updated_at`: a few days after `start` (never after the cut-off), at the policy's time of day, +07:00.
    func appendUpdatedAt(_ p: PolicyRecord, from start: Day, to row: inout FieldRow) {
        let issued = min(start.addingDays(p.issueDelayDays), asOf)
        if issued == p.start { row.bytes.iso(p.startCivil) } else { row.bytes.iso(issued) }
        row.bytes.byte(UInt8(ascii: "T"))
        row.bytes.padded(p.issueSeconds / 3600, width: 2)
        row.bytes.byte(58)
        row.bytes.padded(p.issueSeconds / 60 % 60, width: 2)
        row.bytes.byte(58)
        row.bytes.padded(p.issueSeconds % 60, width: 2)
        row.bytes.append(timeZone)
        row.close()
    }

    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }

    /// A real typo: two neighbouring letters that differ swapped (`Budi` → `Bdui`).
    static func typo(_ name: inout [UInt8]) {
        var k = 1
        while k + 1 < name.count {
            let a = name[k]
            let b = name[k + 1]
            if isLetter(a) && isLetter(b) && (a | 0x20) != (b | 0x20) {
                name.swapAt(k, k + 1)
                return
            }
            k += 1
        }
        // No such pair (cannot happen with the tables): change a letter instead.
        if let i = name.firstIndex(where: isLetter) { name[i] = (name[i] | 0x20) == 122 ? 97 : (name[i] | 0x20) + 1 }
    }

    /// Harmless spellings rekon must not count: upper case, lower case, doubled inner blank, outer blanks.
    static func vary(_ name: inout [UInt8], _ variant: Int) {
        switch variant {
        case 1: for i in name.indices where name[i] >= 97 && name[i] <= 122 { name[i] -= 32 }
        case 2: for i in name.indices where name[i] >= 65 && name[i] <= 90 { name[i] += 32 }
        case 3:
            if let i = name.firstIndex(of: 32) {
                name.insert(contentsOf: [32, 32], at: i)
            } else {
                name.append(contentsOf: [32, 32])
            }
        default:
            name.insert(32, at: 0)
            name.append(contentsOf: [32, 32])
        }
    }
}

extension Lit {
    static let month13 = Lit("-13-")
}
