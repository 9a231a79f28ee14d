import Dispatch
import Foundation
import RekonCore
import RekonIO
import RekonNative

/// `rekon run`: read the drops and the ledger, reconcile, publish the outputs.
enum RunCommand {
    static let help = """
        Usage: rekon run --bank PATH... --ledger PATH... --out DIR [options]

        Reconciles bank drops (new business, endorsements, claims) against the insurer's ledger export as of
        a cut-off date and writes break reports and corrected ledger files into DIR, atomically.

          --bank PATH...       bank drop files or folders (CSV or XML, plain or .gz); may repeat
          --ledger PATH...     ledger export files or folders; may repeat
          --out DIR            output folder; replaced as a whole only when the run succeeds
          --profiles DIR       folder of mapping profiles (*.json) for non-standard layouts
          --config FILE        rekon.json: products, tolerances and any of these options as keys
                               (paths in it are relative to its own folder)
          --as-of YYYY-MM-DD   cut-off date (default: the config's as_of, else today in UTC)
          --fail-on-breaks     exit 1 when any break is found

        """

    static let flags: [String: Bool] = [
        "bank": true, "ledger": true, "out": true, "profiles": true, "config": true, "as-of": true,
        "fail-on-breaks": false,
    ]

    /// The settings of one run after the config file and the flags are merged.
    struct Settings {
        var bank: [String]
        var ledger: [String]
        var out: String
        var profiles: String?
        var config: Config
        var configSHA256: String
        var asOf: Day
        var failOnBreaks: Bool
    }

    static func settings(_ words: [String]) throws(RekonError) -> Settings {
        let a = try Arguments(words, flags: flags)
        var config = Config()
        var configSHA = SHA256Hasher.hex([UInt8]())
        var base = ""
        if let path = try a.single("config") {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RekonError(.usage, "cannot read the config file", file: path, reason: "config")
            }
            do { config = try Config.load(json: [UInt8](data), origin: path) } catch { throw RekonError(error) }
            configSHA = SHA256Hasher.hex([UInt8](data))
            base = PathName.parent(path)
        }
        func resolve(_ p: String) -> String { p.hasPrefix("/") || base.isEmpty ? p : base + "/" + p }
        let bank = a.list("bank") ?? config.bank.map(resolve)
        let ledger = a.list("ledger") ?? config.ledger.map(resolve)
        guard !bank.isEmpty else {
            throw RekonError(.usage, "--bank is required (or \"bank\" in the config)", reason: "usage")
        }
        guard !ledger.isEmpty else {
            throw RekonError(.usage, "--ledger is required (or \"ledger\" in the config)", reason: "usage")
        }
        guard let out = try a.single("out") ?? config.out.map(resolve) else {
            throw RekonError(.usage, "--out is required (or \"out\" in the config)", reason: "usage")
        }
        var asOf = config.asOf
        if let s = try a.single("as-of") {
            guard let d = Day.parseISO(s) else {
                throw RekonError(.usage, "--as-of must be a date YYYY-MM-DD, found \"\(s)\"", reason: "usage")
            }
            asOf = d
        }
        if asOf == nil {
            let now = Int64(Date().timeIntervalSince1970)
            asOf = Day(number: Int32(now / 86_400))
        }
        return Settings(
            bank: bank, ledger: ledger, out: out, profiles: try a.single("profiles") ?? config.profiles.map(resolve),
            config: config, configSHA256: configSHA, asOf: asOf!,
            failOnBreaks: a.has("fail-on-breaks") || config.failOnBreaks)
    }

    /// The files under the given paths: a folder gives its visible files, sorted by name.
    static func files(_ paths: [String], flag: String) throws(RekonError) -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw RekonError(.usage, "no such file or folder (given to --\(flag))", file: p, reason: "usage")
            }
            if isDir.boolValue {
                guard let names = try? fm.contentsOfDirectory(atPath: p) else {
                    throw RekonError(.input, "cannot list the folder", file: p, reason: "unreadable")
                }
                for n in names.sorted() where !n.hasPrefix(".") {
                    var sub: ObjCBool = false
                    let full = PathName.join(p, n)
                    if fm.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue { out.append(full) }
                }
            } else {
                out.append(p)
            }
        }
        return out
    }

    static func run(_ words: [String]) throws -> Int32 {
        let started = Date()
        var trace = PhaseTrace()
        let s = try settings(words)
        let profiles = try ProfileSet.load(customDirectory: s.profiles)

        // Which profiles read which file; bank files must be bank kinds and ledger files ledger kinds.
        var inputs: [(path: String, profiles: [Profile])] = []
        for (flag, paths, ledger) in [("bank", s.bank, false), ("ledger", s.ledger, true)] {
            for path in try files(paths, flag: flag) {
                let name = PathName.base(path)
                let ps = try profiles.profiles(for: name, path: path)
                if let wrong = ps.first(where: { $0.kind.isLedger != ledger }) {
                    throw RekonError(
                        .usage,
                        "this file was given to --\(flag) but its profile \(wrong.name) reads \(wrong.kind.rawValue) records",
                        file: path, reason: "usage")
                }
                inputs.append((path, ps))
            }
        }
        let names = inputs.map { PathName.base($0.path) }
        if let dup = Dictionary(grouping: names, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
            throw RekonError(
                .usage, "two inputs have the same file name; sources are named by base name, so rename one", file: dup,
                reason: "usage")
        }

        // Read every file; files in parallel, results kept in input order.
        let reader = DropReader(
            rules: RowRules(products: s.config.products),
            limits: ReadLimits(maxInflatedBytes: s.config.maxInflatedBytes, maxInflateRatio: s.config.maxInflateRatio),
            schemas: SchemaCache())
        let results = ResultSlots<FileReadResult>(count: inputs.count)
        let work = inputs
        DispatchQueue.concurrentPerform(iterations: work.count) { i in
            results.set(i, Result { try reader.read(path: work[i].path, fileIndex: i, profiles: work[i].profiles) })
        }
        var read: [FileReadResult] = []
        for r in results.all() { read.append(try r.get()) }
        trace.mark("read \(inputs.count) files")

        let outcome = reconcile(read, settings: s, started: started)
        trace.mark("reconcile")
        for f in outcome.inputs {
            for p in f.parts {
                CLI.log(
                    "rekon: \(f.name): \(p.kind.rawValue), profile \(p.profile): \(p.rows) rows, \(p.accepted) accepted, \(p.rejected) rejected"
                )
            }
        }
        let stage = try OutputStage(final: s.out)
        var o = outcome
        o.durationMilliseconds = Int64(Date().timeIntervalSince(started) * 1000)
        try OutputWriter.write(o, to: stage)
        trace.mark("write outputs")
        try stage.publish()
        trace.mark("publish")
        CLI.log(
            "rekon: \(o.breaks.count) breaks, \(o.rejectedRows) rejected rows, \(o.matched) of \(o.bankPolicies) policies matched; outputs in \(s.out)"
        )
        return s.failOnBreaks && !o.breaks.isEmpty ? 1 : 0
    }

    static func reconcile(_ read: [FileReadResult], settings s: Settings, started: Date) -> RunOutcome {
        func all(_ k: RecordKind) -> [Record] {
            let i = RecordKind.allCases.firstIndex(of: k)!
            var out: [Record] = []
            out.reserveCapacity(read.reduce(0) { $0 + $1.records[i].count })
            for r in read { out.append(contentsOf: r.records[i]) }
            return out
        }
        let policies = all(.policy)
        let certificates = all(.ledgerCertificate)
        var endorsements = all(.endorsement)
        let input = PolicyReconcileInput(
            policies: policies, certificates: certificates, endorsements: endorsements, claims: all(.claim),
            ledgerClaims: all(.ledgerClaim), rejectedKeys: Set(read.flatMap(\.rejectedPolicyKeys)),
            rejectedClaimKeys: Set(read.flatMap(\.rejectedClaimKeys)), fileNames: read.map(\.name),
            carried: read.map(\.carried))
        var result = PolicyReconciler(config: s.config, asOf: s.asOf).reconcile(input)
        Identities.assign(&result.breaks, &result.corrections)

        // Endorsements and claims found invalid once their policy was known are rejects of their file.
        var inputs = read.map {
            var r = $0
            r.records = []
            return r
        }
        var rejects = read.flatMap(\.rejects)
        var claims = all(.claim)
        if !result.eventRejects.isEmpty {
            var rejected = Set<SourceLocation>()
            for (row, problem) in result.eventRejects {
                let kind = row.values.kind
                rejects.append(Reject(source: row.source, kind: kind, ref: row.values.text(0) ?? "", problem: problem))
                let file = Int(row.source.file)
                if rejected.insert(row.source).inserted,
                    let k = inputs[file].parts.firstIndex(where: { $0.kind == kind })
                {
                    inputs[file].parts[k].accepted -= 1
                    inputs[file].parts[k].rejected += 1
                }
            }
            rejects = rejects.enumerated().sorted { a, b in
                let x = (a.element.source.file, a.element.source.line),
                    y = (b.element.source.file, b.element.source.line)
                return x != y ? x < y : a.offset < b.offset
            }.map(\.element)
            endorsements.removeAll { rejected.contains($0.source) }
            claims.removeAll { rejected.contains($0.source) }
        }
        let iso = ISO8601DateFormatter()
        var outcome = RunOutcome(
            engineVersion: "rekon \(CLI.version)", asOf: s.asOf, runID: UUID().uuidString.lowercased(),
            configSHA256: s.configSHA256, startedAt: iso.string(from: started), inputs: inputs,
            breaks: result.breaks, corrections: result.corrections, rejects: rejects,
            policies: policies, endorsements: endorsements, claims: claims,
            ledgerCertificates: certificates.count,
            correctedCertificates: result.correctedCertificates, correctedClaims: result.correctedClaims,
            bankPolicies: result.bankPolicies, matched: result.matched)
        outcome.eventsAfterAsOf = result.eventsAfterAsOf
        return outcome
    }
}

/// Phase timings on stderr when REKON_TRACE=1, for operators and benchmarks.
struct PhaseTrace {
    let on = ProcessInfo.processInfo.environment["REKON_TRACE"] == "1"
    var last = Date()
    mutating func mark(_ phase: String) {
        guard on else { return }
        let now = Date()
        CLI.log("rekon: trace: \(phase): \(Int(now.timeIntervalSince(last) * 1000)) ms")
        last = now
    }
}

/// Results written by parallel workers, one slot each, read after they all finish.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, any Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }
    func all() -> [Result<T, any Error>] { slots.map { $0! } }
}

/// Stable ids: breaks in report order with SHA-256 ids, corrections following their breaks.
enum Identities {
    static func assign(_ breaks: inout [Break], _ corrections: inout [Correction]) {
        let order = breaks.indices.sorted { Break.reportOrder(breaks[$0], breaks[$1]) }
        var rank = Array(repeating: 0, count: breaks.count)
        for (r, i) in order.enumerated() { rank[i] = r }
        var sorted = order.map { breaks[$0] }
        var used: Set<String> = []
        for k in sorted.indices {
            var id = String(SHA256Hasher.hex(sorted[k].identity).prefix(16))
            var n = 2
            while used.contains(id) {
                id = String(SHA256Hasher.hex(sorted[k].identity + "|\(n)").prefix(16))
                n += 1
            }
            used.insert(id)
            sorted[k].id = id
        }
        breaks = sorted
        for k in corrections.indices {
            corrections[k].breakIndex = rank[corrections[k].breakIndex]
            corrections[k].breakID = breaks[corrections[k].breakIndex].id
        }
        corrections = corrections.enumerated().sorted { a, b in
            a.element.breakIndex != b.element.breakIndex
                ? a.element.breakIndex < b.element.breakIndex : a.offset < b.offset
        }.map(\.element)
        for k in corrections.indices {
            corrections[k].id = String(SHA256Hasher.hex(corrections[k].identity).prefix(16))
        }
    }
}
