import RekonCore
import RekonGen

/// `rekon gen`: writes a seeded synthetic world (bank drops, a ledger export, a config and the truth
/// of every injected fault) for tests, demos and the benchmark.
enum GenCommand {
    static let help = """
        Usage: rekon gen --out DIR [--policies N] [--seed N] [--as-of YYYY-MM-DD] [--formats csv,gzip,xml]
                         [--fault-rate R] [--no-endorsements] [--no-claims]

        Writes a synthetic world into DIR: bank/ (standard CSV, gzip CSV and XML drops), ledger/ (the
        insurer's certificate export), rekon.json (products and paths) and truth.json (every injected break
        and reject). The same options always give the same bytes.

          --policies N      policies across three banks (default 2000)
          --seed N          random seed (default 1)
          --as-of DATE      cut-off date of the world (default 2026-06-30)
          --formats LIST    drop layouts to write, comma-separated (default csv,gzip,xml)
          --fault-rate R    share of policies given a fault, 0 to 1 (default 0.02, more in small worlds)
          --no-endorsements no endorsements (and no endorsement faults)
          --no-claims       no claims (and no claim faults)

        """

    static let flags: [String: Bool] = [
        "no-endorsements": false, "no-claims": false,
        "out": true, "policies": true, "seed": true, "as-of": true, "formats": true, "fault-rate": true,
    ]

    static func run(_ words: [String]) throws -> Int32 {
        let a = try Arguments(words, flags: flags)
        guard let out = try a.single("out") else { throw RekonError(.usage, "--out is required", reason: "usage") }
        var o = WorldOptions()
        if let n = try a.single("policies") {
            guard let v = Int(n), v >= 0 else {
                throw RekonError(.usage, "--policies must be a whole number, found \"\(n)\"", reason: "usage")
            }
            o.policies = v
        }
        if let s = try a.single("seed") {
            guard let v = UInt64(s) else {
                throw RekonError(.usage, "--seed must be a whole number, found \"\(s)\"", reason: "usage")
            }
            o.seed = v
        }
        if let d = try a.single("as-of") {
            guard let v = Day.parseISO(d) else {
                throw RekonError(.usage, "--as-of must be a date YYYY-MM-DD, found \"\(d)\"", reason: "usage")
            }
            o.asOf = v
        }
        if let f = try a.single("formats") {
            var set: Set<DropFormat> = []
            for part in f.split(separator: ",") {
                guard let fmt = DropFormat(rawValue: String(part)) else {
                    throw RekonError(.usage, "--formats takes csv, gzip and xml, found \"\(part)\"", reason: "usage")
                }
                set.insert(fmt)
            }
            o.formats = set
        }
        if let r = try a.single("fault-rate") {
            guard let v = Double(r), v >= 0, v <= 1 else {
                throw RekonError(.usage, "--fault-rate must be from 0 to 1", reason: "usage")
            }
            o.faultRate = v
        }
        o.endorsements = !a.has("no-endorsements")
        o.claims = !a.has("no-claims")
        let summary: WorldSummary
        do { summary = try WorldGenerator.generate(o, into: out) } catch {
            throw RekonError(.output, "cannot write the world: \(error)", file: out, reason: "write_failed")
        }
        CLI.log(
            "rekon: wrote \(summary.policies) policy rows, \(summary.endorsements) endorsements, \(summary.ledgerCertificates) ledger certificates, \(summary.breaks) expected breaks and \(summary.rejects) expected rejects into \(out)"
        )
        return 0
    }
}
