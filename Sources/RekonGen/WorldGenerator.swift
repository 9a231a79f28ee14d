import Foundation
import RekonCore

/// A drop layout a bank of the world may write.
public enum DropFormat: String, Sendable, CaseIterable {
    /// The standard CSV layout, plain.
    case csv
    /// The standard CSV layout, gzip-compressed (`.csv.gz`).
    case gzip
    /// The standard XML drop (`rekon-drop.xsd`).
    case xml
}

/// What to generate.
public struct WorldOptions: Sendable {
    /// The distinct new-business policies of the world, across the three banks (45% / 35% / 20%).
    public var policies: Int = 2_000
    public var seed: UInt64 = 1
    /// The cut-off date.
    public var asOf: Day
    /// The share of policies that get a fault (not money). nil: 0.02 from 10 000 policies on, else enough
    /// faults for every fault kind to appear at least twice.
    public var faultRate: Double? = nil
    /// The drop layouts the banks may use. BKA prefers CSV, BKB gzip, BKC XML; a bank whose layout is not
    /// in the set writes the first one of csv, gzip, xml that is. With only `.csv` every bank writes plain CSV.
    public var formats: Set<DropFormat> = [.csv, .gzip, .xml]
    /// Whether about 20% of the policies get endorsements (and endorsement faults are among the faults).
    public var endorsements = true
    /// Whether about 2% of the policies without endorsements get a claim (and claim faults are among the faults):
    /// `<BANK>_CLM_*` files (claims inside the XML drop) and `ledger/ledger_claims_*.csv`.
    public var claims = true

    public static let defaultAsOf = Day(year: 2026, month: 6, day: 30)!

    public init(
        policies: Int = 2_000, seed: UInt64 = 1, asOf: Day = WorldOptions.defaultAsOf,
        faultRate: Double? = nil, formats: Set<DropFormat> = [.csv, .gzip, .xml], endorsements: Bool = true,
        claims: Bool = true
    ) {
        self.endorsements = endorsements
        self.claims = claims
        self.policies = policies
        self.seed = seed
        self.asOf = asOf
        self.faultRate = faultRate
        self.formats = formats
    }
}

/// What was generated.
public struct WorldSummary: Sendable {
    /// The files written, relative to the world's directory: bank drops, ledger, rekon.json, truth.json.
    public var files: [String]
    /// The policy rows written to the bank files (duplicates and rejected rows included, policies the bank
    /// never sent left out).
    public var policies: Int
    /// The endorsement rows of the bank drops.
    public var endorsements: Int = 0
    /// The claim rows of the bank drops and of the ledger's claim export.
    public var claims: Int = 0
    public var ledgerClaims: Int = 0
    /// The certificate rows of the ledger export.
    public var ledgerCertificates: Int
    /// The breaks and rejects truth.json says rekon must report.
    public var breaks: Int
    public var rejects: Int
}

/// Why a world could not be generated.
public enum WorldError: Error, Equatable, CustomStringConvertible {
    case invalidOptions(String)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .invalidOptions(let m): "invalid world options: \(m)"
        case .io(let path, let message): "\(path): \(message)"
        }
    }
}

/// The synthetic world: three banks' new-business drops, the insurer's certificate export that mostly
/// agrees with them, the config that reconciles them and the truth of what rekon must report.
public enum WorldGenerator {
    /// Writes the world into `directory` (created when missing): `bank/`, `ledger/`, `rekon.json`, `truth.json`.
    /// Same options, same bytes. Earlier generated drops and ledger exports in `bank/` and `ledger/` (names
    /// `BK?_NB_*.csv[.gz]`, `BK?_END_*.csv[.gz]`, `BK?_CLM_*.csv[.gz]`, `BK?_DROP_*.xml`, `ledger_certificates_*.csv`,
    /// `ledger_claims_*.csv`) are removed first, so that a world of another date does not leave files rekon would read.
    public static func generate(_ options: WorldOptions, into directory: String) throws -> WorldSummary {
        try World(options: options, directory: directory).write()
    }
}

/// One generation run.
struct World: Sendable {
    let options: WorldOptions
    let directory: String
    let model: WorldModel
    let counts: [Int]
    let offsets: [Int]
    let formats: [DropFormat]
    let plan: FaultPlan
    /// Per global policy index: the position of its fault in `plan.faults`, or -1.
    let faultAt: [Int32]
    let stamp: String

    init(options: WorldOptions, directory: String) throws {
        let n = options.policies
        guard n >= 0, n <= 100_000_000 else {
            throw WorldError.invalidOptions("policies must be from 0 to 100000000, not \(n)")
        }
        if let r = options.faultRate, !(r >= 0 && r <= 1) {
            throw WorldError.invalidOptions("fault rate must be from 0 to 1, not \(r)")
        }
        guard !options.formats.isEmpty else { throw WorldError.invalidOptions("no drop format chosen") }
        let (y, _, _) = options.asOf.civil
        guard y >= 1990, y <= 9000 else {
            throw WorldError.invalidOptions("as-of date \(options.asOf.iso) is out of range")
        }
        self.options = options
        self.directory = directory

        let banks = WorldModel.standardBanks
        var counts: [Int] = []
        var offsets: [Int] = []
        var at = 0
        for (k, b) in banks.enumerated() {
            let c = k == banks.count - 1 ? n - at : n * b.share / 100
            offsets.append(at)
            counts.append(c)
            at += c
        }
        self.counts = counts
        self.offsets = offsets
        formats = banks.map { b in
            if options.formats.contains(b.preferred) { return b.preferred }
            return DropFormat.allCases.first(where: options.formats.contains)!
        }
        let total = FaultPlan.count(policies: n, rate: options.faultRate)
        var width = 7
        var limit = 10_000_000
        while (counts.max() ?? 0) + total + 1 >= limit {
            width += 1
            limit *= 10
        }
        let config: Config
        do {
            config = try Config.load(
                json: Array(World.configJSON(options: options, products: WorldModel.standardProducts).utf8),
                origin: "rekon.json")
        } catch {
            throw WorldError.invalidOptions("the world's rekon.json does not load: \(error)")
        }
        model = WorldModel(
            seed: options.seed, asOf: options.asOf, serialWidth: width,
            endorsementPercent: options.endorsements ? 20 : 0, claimPercent: options.claims ? 2 : 0,
            configProducts: WorldModel.standardProducts.map { config.products[$0.code]! })
        plan = FaultPlan.make(
            total: total, seed: options.seed, counts: counts, offsets: offsets, formats: formats,
            withEndorsements: options.endorsements, withClaims: options.claims)
        var faultAt = [Int32](repeating: -1, count: n)
        for (k, f) in plan.faults.enumerated() { faultAt[f.index] = Int32(k) }
        self.faultAt = faultAt
        let (yy, mm, dd) = options.asOf.civil
        var s = RawBytes(capacity: 16)
        s.padded(yy, width: 4)
        s.padded(mm, width: 2)
        s.padded(dd, width: 2)
        stamp = String(decoding: s.raw, as: UTF8.self)
        s.free()
    }

    func fileName(bank b: Int) -> String {
        let code = model.banks[b].code
        switch formats[b] {
        case .csv: return "\(code)_NB_\(stamp).csv"
        case .gzip: return "\(code)_NB_\(stamp).csv.gz"
        case .xml: return "\(code)_DROP_\(stamp).xml"
        }
    }

    var ledgerName: String { "ledger_certificates_\(stamp).csv" }
    var ledgerClaimsName: String { "ledger_claims_\(stamp).csv" }

    /// The bank's claim file (nil: the claims go inside its XML drop, or the world has none).
    func claimFileName(bank b: Int) -> String? {
        guard options.claims else { return nil }
        let code = model.banks[b].code
        switch formats[b] {
        case .csv: return "\(code)_CLM_\(stamp).csv"
        case .gzip: return "\(code)_CLM_\(stamp).csv.gz"
        case .xml: return nil
        }
    }

    /// The bank's endorsement file (nil: the endorsements go inside its XML drop).
    func endorsementFileName(bank b: Int) -> String? {
        let code = model.banks[b].code
        switch formats[b] {
        case .csv: return "\(code)_END_\(stamp).csv"
        case .gzip: return "\(code)_END_\(stamp).csv.gz"
        case .xml: return nil
        }
    }

    func path(_ relative: String) -> String {
        directory.hasSuffix("/") ? directory + relative : directory + "/" + relative
    }

    /// Writes the bank drops and the ledger (in parallel: one file per job), then rekon.json and truth.json.
    func write() throws -> WorldSummary {
        try prepareDirectories()
        let bankCount = model.banks.count
        let jobs = Jobs(count: bankCount + 2)
        let world = self
        // The ledger is the largest file: it goes first.
        DispatchQueue.concurrentPerform(iterations: bankCount + 2) { k in
            do {
                if k == 0 {
                    jobs.finish(k, rows: try world.writeLedger(relative: "ledger/" + world.ledgerName), rejects: [])
                } else if k == bankCount + 1 {
                    guard world.options.claims else { return }
                    jobs.finish(
                        k, rows: try world.writeLedgerClaims(relative: "ledger/" + world.ledgerClaimsName),
                        rejects: [])
                } else {
                    let name = world.fileName(bank: k - 1)
                    let r = try world.writeBank(k - 1, relative: "bank/" + name, name: name)
                    jobs.finish(
                        k, rows: r.rows, rejects: r.rejects, endorsements: r.endorsements, afterAsOf: r.afterAsOf,
                        claims: r.claims)
                }
            } catch {
                jobs.fail(k, error)
            }
        }
        if let error = jobs.firstError { throw error }

        var files: [String] = []
        var fileRows: [(String, Int)] = []
        var rejects: [TruthReject] = []
        var endorsementRows = 0
        var claimRows = 0
        var afterAsOf = 0
        for b in 0..<bankCount {
            let relative = "bank/" + fileName(bank: b)
            let end = jobs.endorsements[b + 1]
            let clm = jobs.claims[b + 1]
            endorsementRows += end
            claimRows += clm
            afterAsOf += jobs.afterAsOf[b + 1]
            if let e = endorsementFileName(bank: b) {
                files.append(relative)
                fileRows.append((relative, jobs.rows[b + 1]))
                files.append("bank/" + e)
                fileRows.append(("bank/" + e, end))
                if let c = claimFileName(bank: b) {
                    files.append("bank/" + c)
                    fileRows.append(("bank/" + c, clm))
                }
            } else {
                // The XML drop holds all three: its row count is over every kind read from it.
                files.append(relative)
                fileRows.append((relative, jobs.rows[b + 1] + end + clm))
            }
            rejects.append(contentsOf: jobs.rejects[b + 1])
        }
        files.append("ledger/" + ledgerName)
        fileRows.append(("ledger/" + ledgerName, jobs.rows[0]))
        if options.claims {
            files.append("ledger/" + ledgerClaimsName)
            fileRows.append(("ledger/" + ledgerClaimsName, jobs.rows[bankCount + 1]))
        }

        var breaks: [TruthBreak] = []
        for f in plan.faults {
            let ref =
                f.kind == .endUnknownPolicy
                ? model.unknownRef(bank: f.bank, serial: f.serial)
                : model.ref(bank: f.bank, serial: f.kind == .duplicateLoan ? f.extraSerial : f.serial)
            let claimRef = f.kind.isClaim ? model.claimRef(bank: f.bank, serial: f.serial) : ""
            for (category, version, field) in f.kind.expectedBreaks {
                breaks.append(
                    TruthBreak(
                        category: category, bank: model.banks[f.bank].code, ref: ref,
                        version: version, field: field, claimRef: claimRef))
            }
        }
        breaks.sort()
        rejects.sort()

        try writeText(relative: "rekon.json", configJSON())
        files.append("rekon.json")
        try writeText(
            relative: "truth.json",
            truthJSON(
                breaks: breaks, rejects: rejects, fileRows: fileRows, endorsements: endorsementRows,
                afterAsOf: afterAsOf, claims: claimRows))
        files.append("truth.json")
        return WorldSummary(
            files: files, policies: jobs.rows[1...bankCount].reduce(0, +), endorsements: endorsementRows,
            claims: claimRows, ledgerClaims: jobs.rows[bankCount + 1],
            ledgerCertificates: jobs.rows[0], breaks: breaks.count, rejects: rejects.count)
    }

    func prepareDirectories() throws {
        let fm = FileManager.default
        for d in [directory, path("bank"), path("ledger")] {
            do {
                try fm.createDirectory(atPath: d, withIntermediateDirectories: true)
            } catch {
                throw WorldError.io(path: d, message: "cannot create the directory (\(error.localizedDescription))")
            }
        }
        let codes = model.banks.map(\.code)
        func generated(_ name: String, inBank: Bool) -> Bool {
            if !inBank {
                return (name.hasPrefix("ledger_certificates_") || name.hasPrefix("ledger_claims_"))
                    && name.hasSuffix(".csv")
            }
            return codes.contains { c in
                ((name.hasPrefix(c + "_NB_") || name.hasPrefix(c + "_END_") || name.hasPrefix(c + "_CLM_"))
                    && (name.hasSuffix(".csv") || name.hasSuffix(".csv.gz")))
                    || (name.hasPrefix(c + "_DROP_") && name.hasSuffix(".xml"))
            }
        }
        for (sub, inBank) in [("bank", true), ("ledger", false)] {
            for name in (try? fm.contentsOfDirectory(atPath: path(sub))) ?? [] where generated(name, inBank: inBank) {
                do { try fm.removeItem(atPath: path(sub + "/" + name)) } catch {
                    throw WorldError.io(path: path(sub + "/" + name), message: "cannot remove an earlier drop")
                }
            }
        }
    }

    @inline(__always) func fault(_ index: Int) -> Fault? {
        let k = faultAt[index]
        return k < 0 ? nil : plan.faults[Int(k)]
    }

    // MARK: - Bank drops

    /// What writing one bank's drops gave.
    struct BankResult {
        var rows = 0
        var rejects: [TruthReject] = []
        var endorsements = 0
        var afterAsOf = 0
        var claims = 0
    }

    /// Writes bank `b`'s drop and its endorsements (a file of their own, or inside its XML drop).
    func writeBank(_ b: Int, relative: String, name: String) throws -> BankResult {
        let format = formats[b]
        let out = try ByteOutput(path: path(relative), gzip: format == .gzip)
        let endName = endorsementFileName(bank: b)
        let endOut = try endName.map { try ByteOutput(path: path("bank/" + $0), gzip: format == .gzip) }
        let claimName = claimFileName(bank: b)
        let claimOut = try claimName.map { try ByteOutput(path: path("bank/" + $0), gzip: format == .gzip) }
        var xmlClaims = RawBytes(capacity: format == .xml ? 1 << 14 : 64)
        defer { xmlClaims.free() }
        var claimRow = FieldRow(csv: format != .xml)
        defer { claimRow.free() }
        var claimRejects: [(line: Int, TruthReject)] = []
        var claimLine = 0
        var claimAmounts: Int64 = 0
        // The XML drop's endorsements, after its policies: kept until those are written.
        var xmlEndorsements = RawBytes(capacity: format == .xml ? 1 << 16 : 64)
        defer { xmlEndorsements.free() }
        var row = FieldRow(csv: format != .xml)
        defer { row.free() }
        var endRow = FieldRow(csv: format != .xml)
        defer { endRow.free() }
        var result = BankResult()
        var endRejects: [(line: Int, TruthReject)] = []
        var endLine = 0
        var line = 1
        var rows = 0
        var sumInsured: Int64 = 0
        var premiums: Int64 = 0
        let names = Catalogue.policy.map(\.name)
        let tags = names.map { Lit($0) }
        let element = Lit("Policy")
        let code = model.banks[b].code

        if format == .xml {
            out.buffer.append(
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <Drop version="1">
                  <Header>
                    <bank_code>\(code)</bank_code>
                    <created>\(options.asOf.iso)</created>
                    <sender>\(code) new business export</sender>
                  </Header>
                  <Policies>

                """)
            line = 9
        } else {
            CSVEncoder.header(names, to: &out.buffer)
            line = 2
        }
        if let endOut {
            CSVEncoder.header(EndorsementText.names, to: &endOut.buffer)
            endLine = 2
        }
        if let claimOut {
            CSVEncoder.header(ClaimText.names, to: &claimOut.buffer)
            claimLine = 2
        }

        let insertions = plan.insertions[b]
        var next = 0
        for serial in stride(from: 1, through: counts[b], by: 1) {
            let index = offsets[b] + serial - 1
            let fault = self.fault(index)
            let kind = fault?.kind
            let p = model.policy(index, bank: b, serial: serial, force: kind?.force ?? .none)
            if kind != .missingInBank {
                let (si, premium) = model.fillPolicyRow(
                    p, fault: kind, delta: kind == .bankPremium ? fault!.premiumDelta : 0,
                    into: &row)
                if let reject = kind?.reject {
                    result.rejects.append(
                        TruthReject(file: name, line: line, reason: reject.reason, field: reject.field))
                }
                line +=
                    format == .xml
                    ? XMLEncoder.appendRecord(row, element: element, names: tags, to: &out.buffer)
                    : CSVEncoder.append(row, to: &out.buffer)
                rows += 1
                sumInsured += si ?? 0
                premiums += premium
            }
            if fault == nil || kind!.isEndorsement {
                var events = model.endorsements(of: p, fault: fault)
                if !events.isEmpty {
                    _ = model.replay(p, &events)
                    for e in events {
                        model.fillEndorsementRow(p, e, into: &endRow)
                        if e.effective > options.asOf && !e.unknownPolicy { result.afterAsOf += 1 }
                        if e.effective < p.start && !e.unknownPolicy {
                            endRejects.append(
                                (
                                    endLine,
                                    TruthReject(
                                        file: endName ?? name, line: 0, reason: .INCONSISTENT_DATES,
                                        field: "effective_date")
                                ))
                        }
                        if let endOut {
                            endLine += CSVEncoder.append(endRow, to: &endOut.buffer)
                        } else {
                            endLine += XMLEncoder.appendRecord(
                                endRow, element: EndorsementText.element, names: EndorsementText.tags,
                                to: &xmlEndorsements)
                        }
                        result.endorsements += 1
                    }
                    try endOut?.flushIfFull()
                }
            }
            if fault == nil || kind!.isClaim, let c = model.claim(of: p, fault: fault), c.inBank {
                model.fillClaimRow(p, c, into: &claimRow)
                if c.loss < p.start {
                    claimRejects.append(
                        (
                            claimLine,
                            TruthReject(
                                file: claimName ?? name, line: 0, reason: .INCONSISTENT_DATES, field: "loss_date")
                        ))
                }
                if let claimOut {
                    claimLine += CSVEncoder.append(claimRow, to: &claimOut.buffer)
                    try claimOut.flushIfFull()
                } else {
                    claimLine += XMLEncoder.appendRecord(
                        claimRow, element: ClaimText.element, names: ClaimText.tags, to: &xmlClaims)
                }
                result.claims += 1
                claimAmounts += c.amount
            }
            while next < insertions.count && plan.faults[insertions[next]].insertAfter == serial {
                let f = plan.faults[insertions[next]]
                next += 1
                let original = f.serial == serial ? p : model.policy(f.index, bank: b, serial: f.serial, force: .none)
                let copy = f.kind == .duplicateRef ? original : model.duplicateLoanPolicy(of: original, fault: f)
                let (si, premium) = model.fillPolicyRow(copy, fault: nil, into: &row)
                line +=
                    format == .xml
                    ? XMLEncoder.appendRecord(row, element: element, names: tags, to: &out.buffer)
                    : CSVEncoder.append(row, to: &out.buffer)
                rows += 1
                sumInsured += si ?? 0
                premiums += premium
            }
            try out.flushIfFull()
        }
        if format == .xml {
            // `  </Policies>` and `  <Endorsements>` come before the first endorsement.
            let first = line + 2
            for (k, r) in endRejects {
                var t = r
                t.line = first + k
                result.rejects.append(t)
            }
            out.buffer.append("  </Policies>\n  <Endorsements>\n")
            try out.flush()
            out.buffer.append(xmlEndorsements.raw)
            // `  </Endorsements>` and `  <Claims>` come before the first claim.
            let firstClaim = first + endLine + 2
            for (k, r) in claimRejects {
                var t = r
                t.line = firstClaim + k
                result.rejects.append(t)
            }
            if options.claims {
                out.buffer.append("  </Endorsements>\n  <Claims>\n")
                try out.flush()
                out.buffer.append(xmlClaims.raw)
                out.buffer.append("  </Claims>\n")
            } else {
                out.buffer.append("  </Endorsements>\n")
            }
            out.buffer.append(
                """
                  <Trailer>
                    <policy_count>\(rows)</policy_count>
                    <policy_sum_insured>\(sumInsured)</policy_sum_insured>
                    <policy_premium_amount>\(premiums)</policy_premium_amount>
                    <endorsement_count>\(result.endorsements)</endorsement_count>
                    <claim_count>\(result.claims)</claim_count>
                    <claim_amount_total>\(claimAmounts)</claim_amount_total>
                  </Trailer>
                </Drop>

                """)
        } else {
            for (k, r) in endRejects {
                var t = r
                t.line = k
                result.rejects.append(t)
            }
            for (k, r) in claimRejects {
                var t = r
                t.line = k
                result.rejects.append(t)
            }
        }
        try out.finish()
        try endOut?.finish()
        try claimOut?.finish()
        result.rows = rows
        return result
    }

    // MARK: - Ledger

    /// The certificates in a shuffled order: each policy's (unless missing or dropped with a rejected row; two
    /// for a policy with a top-up),
    /// the ledger's duplicates and the certificates of loan duplicates. Returns the rows written.
    func writeLedger(relative: String) throws -> Int {
        let n = options.policies
        var entries: [UInt64] = []
        entries.reserveCapacity(n + plan.faults.count)
        for i in 0..<n {
            let f = fault(i)
            if let f, !f.ledgerHasPolicy { continue }
            entries.append(UInt64(i) << 2)
            // The second certificate of a policy with a top-up.
            if (f == nil || f!.kind.isEndorsement) && model.ledgerVersions(index: i, fault: f) == 2 {
                entries.append(UInt64(i) << 2 | 3)
            }
        }
        for (k, f) in plan.faults.enumerated() {
            if f.kind == .duplicateInLedger { entries.append(UInt64(k) << 2 | 1) }
            if f.kind == .duplicateLoan && f.keepCertificate { entries.append(UInt64(k) << 2 | 2) }
        }
        var rng = SplitMix64.stream(seed: options.seed, salt: 0x1ED6_E703, index: 0)
        rng.shuffle(&entries)

        let out = try ByteOutput(path: path(relative), gzip: false)
        CSVEncoder.header(Catalogue.ledgerCertificate.map(\.name), to: &out.buffer)
        var row = FieldRow(csv: true)
        defer { row.free() }
        for e in entries {
            let tag = e & 3
            let value = Int(e >> 2)
            if tag == 0 || tag == 3 {
                var b = 0
                while b + 1 < offsets.count && value >= offsets[b + 1] { b += 1 }
                let serial = value - offsets[b] + 1
                let fault = self.fault(value)
                let p = model.policy(value, bank: b, serial: serial, force: fault?.kind.force ?? .none)
                var events = fault == nil || fault!.kind.isEndorsement ? model.endorsements(of: p, fault: fault) : []
                if events.isEmpty {
                    let claimed =
                        (fault == nil || fault!.kind.isClaim)
                        && model.claim(of: p, fault: fault)?.claims(p, asOf: options.asOf) == true
                    model.fillLedgerRow(
                        p, certificate: serial, fault: fault, variation: fault == nil, claimed: claimed, into: &row)
                } else {
                    let versions = model.ledgerVersions(p, &events, fault: fault)
                    model.fillLedgerRow(
                        p, certificate: serial, fault: fault, variation: fault == nil,
                        cover: versions[tag == 3 ? 1 : 0], into: &row)
                }
            } else {
                let f = plan.faults[value]
                let p = model.policy(f.index, bank: f.bank, serial: f.serial, force: f.kind.force)
                let q = tag == 1 ? p : model.duplicateLoanPolicy(of: p, fault: f)
                model.fillLedgerRow(q, certificate: f.extraCertificate, fault: nil, variation: false, into: &row)
            }
            _ = CSVEncoder.append(row, to: &out.buffer)
            try out.flushIfFull()
        }
        try out.finish()
        return entries.count
    }

    /// The ledger's claims, in policy order: each claim of a policy the ledger certified, but those it lacks.
    func writeLedgerClaims(relative: String) throws -> Int {
        let out = try ByteOutput(path: path(relative), gzip: false)
        CSVEncoder.header(ClaimText.ledgerNames, to: &out.buffer)
        var row = FieldRow(csv: true)
        defer { row.free() }
        var rows = 0
        var b = 0
        for i in 0..<options.policies {
            let f = fault(i)
            if let f {
                guard f.kind.isClaim else { continue }
            } else if model.claimStream(i) == nil {
                continue
            }
            while b + 1 < offsets.count && i >= offsets[b + 1] { b += 1 }
            let serial = i - offsets[b] + 1
            let p = model.policy(i, bank: b, serial: serial, force: f?.kind.force ?? .none)
            guard let c = model.claim(of: p, fault: f), c.inLedger else { continue }
            model.fillLedgerClaimRow(p, c, certificate: serial, into: &row)
            _ = CSVEncoder.append(row, to: &out.buffer)
            rows += 1
            try out.flushIfFull()
        }
        try out.finish()
        return rows
    }

    // MARK: - rekon.json and truth.json

    func writeText(relative: String, _ text: String) throws {
        let sink = try FileSink(path: path(relative))
        var t = text
        try t.withUTF8 { try sink.write(UnsafeRawBufferPointer($0)) }
        try sink.close()
    }

    static func json(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    func configJSON() -> String { World.configJSON(options: options, products: model.products) }

    static func configJSON(options: WorldOptions, products: [ProductSpec]) -> String {
        var s = "{\n"
        s +=
            "  \"comment\": \(World.json("Synthetic world of rekon gen: seed \(options.seed), \(options.policies) policies; see truth.json for what rekon must report.")),\n"
        s += "  \"as_of\": \"\(options.asOf.iso)\",\n"
        s += "  \"bank\": [\"bank\"],\n"
        s += "  \"ledger\": [\"ledger\"],\n"
        s += "  \"out\": \"out\",\n"
        s += "  \"products\": {\n"
        for (k, p) in products.enumerated() {
            s += "    \(World.json(p.code)): {\n"
            s += "      \"name\": \(World.json(p.name)),\n"
            if p.isFlat {
                s += "      \"rate_permille\": \(p.bands[0].rate),\n"
            } else {
                s += "      \"rate_permille\": [\n"
                for (j, band) in p.bands.enumerated() {
                    s += "        {\"max_tenor_months\": \(band.maxTenor), \"rate_permille\": \(band.rate)}"
                    s += j == p.bands.count - 1 ? "\n" : ",\n"
                }
                s += "      ],\n"
            }
            s +=
                "      \"entry_age\": {\"min\": \(ProductLimits.entryAge.min), \"max\": \(ProductLimits.entryAge.max)},\n"
            s += "      \"max_age_at_maturity\": \(ProductLimits.maxAgeAtMaturity),\n"
            s +=
                "      \"tenor_months\": {\"min\": \(ProductLimits.tenorMonths.min), \"max\": \(ProductLimits.tenorMonths.max)},\n"
            s +=
                "      \"sum_insured\": {\"min\": \(ProductLimits.sumInsured.min), \"max\": \(ProductLimits.sumInsured.max)},\n"
            s += "      \"refund\": \(p.refundJSON),\n"
            s += "      \"claims\": \(ClaimText.configJSON)\n"
            s += k == products.count - 1 ? "    }\n" : "    },\n"
        }
        s += "  }\n}\n"
        return s
    }

    func truthJSON(
        breaks: [TruthBreak], rejects: [TruthReject], fileRows: [(String, Int)], endorsements: Int, afterAsOf: Int,
        claims: Int
    ) -> String {
        var s = "{\n"
        s +=
            "  \"generator\": {\"seed\": \(options.seed), \"policies\": \(options.policies), \"faults\": \(plan.faults.count), \"as_of\": \"\(options.asOf.iso)\"},\n"
        var categories: [(String, Int)] = []
        for c in BreakCategory.allCases {
            let n = breaks.reduce(0) { $0 + ($1.category == c ? 1 : 0) }
            if n > 0 { categories.append((c.rawValue, n)) }
        }
        var reasons: [(String, Int)] = []
        for r in ReasonCode.allCases {
            let n = rejects.reduce(0) { $0 + ($1.reason == r ? 1 : 0) }
            if n > 0 { reasons.append((r.rawValue, n)) }
        }
        func object(_ pairs: [(String, Int)]) -> String {
            "{" + pairs.map { "\(World.json($0.0)): \($0.1)" }.joined(separator: ", ") + "}"
        }
        s +=
            "  \"counts\": {\"breaks\": \(breaks.count), \"rejects\": \(rejects.count), \"categories\": \(object(categories)), \"reasons\": \(object(reasons)), \"endorsements\": \(endorsements), \"endorsements_after_as_of\": \(afterAsOf), \"claims\": \(claims)},\n"
        s += "  \"files\": \(object(fileRows)),\n"
        s += "  \"breaks\": ["
        for (k, b) in breaks.enumerated() {
            s += k == 0 ? "\n" : ",\n"
            s +=
                "    {\"category\": \"\(b.category.rawValue)\", \"bank_code\": \(World.json(b.bank)), \"policy_ref\": \(World.json(b.ref)), \"claim_ref\": \(World.json(b.claimRef)), \"version\": \(b.version), \"field\": \(World.json(b.field))}"
        }
        s += breaks.isEmpty ? "],\n" : "\n  ],\n"
        s += "  \"rejects\": ["
        for (k, r) in rejects.enumerated() {
            s += k == 0 ? "\n" : ",\n"
            s +=
                "    {\"file\": \(World.json(r.file)), \"line\": \(r.line), \"reason_code\": \"\(r.reason.rawValue)\", \"field\": \(World.json(r.field))}"
        }
        s += rejects.isEmpty ? "]\n" : "\n  ]\n"
        s += "}\n"
        return s
    }
}

/// The results of the parallel file jobs, by job.
final class Jobs: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var rows: [Int]
    private(set) var rejects: [[TruthReject]]
    private(set) var endorsements: [Int]
    private(set) var afterAsOf: [Int]
    private(set) var claims: [Int]
    private var errors: [(Int, any Error)] = []

    init(count: Int) {
        rows = Array(repeating: 0, count: count)
        rejects = Array(repeating: [], count: count)
        endorsements = rows
        afterAsOf = rows
        claims = rows
    }

    func finish(
        _ job: Int, rows n: Int, rejects r: [TruthReject], endorsements e: Int = 0, afterAsOf a: Int = 0,
        claims c: Int = 0
    ) {
        lock.lock()
        defer { lock.unlock() }
        rows[job] = n
        rejects[job] = r
        endorsements[job] = e
        afterAsOf[job] = a
        claims[job] = c
    }

    func fail(_ job: Int, _ error: any Error) {
        lock.lock()
        defer { lock.unlock() }
        errors.append((job, error))
    }

    /// The error of the lowest-numbered failed job (deterministic whatever the scheduling).
    var firstError: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return errors.min { $0.0 < $1.0 }?.1
    }
}
