import Foundation
import RekonCore
import RekonIO

/// A generated world as rekon's own reading layer sees it: every file of `bank/` and `ledger/` read by
/// RekonIO's `DropReader` with the standard profiles rekon picks for it and the world's rekon.json.
/// No reconciliation: what rekon reports from these rows is checked end to end (GeneratedWorldTests).
struct WorldReading {
    var config: Config
    /// One result per file: bank files by name, then ledger files by name. A result's position is its file index.
    var files: [FileReadResult] = []

    init(world dir: String) throws {
        config = try Config.load(json: try readBytes(dir + "/rekon.json"), origin: dir + "/rekon.json")
        let profiles = try ProfileSet.load(customDirectory: nil)
        let reader = DropReader(
            rules: RowRules(products: config.products),
            limits: ReadLimits(maxInflatedBytes: 1 << 34, maxInflateRatio: 1000),
            schemas: SchemaCache())
        var inputs: [(path: String, ledger: Bool)] = []
        for (sub, ledger) in [("bank", false), ("ledger", true)] {
            for name in try FileManager.default.contentsOfDirectory(atPath: dir + "/" + sub).sorted()
            where !name.hasPrefix(".") {
                inputs.append((dir + "/" + sub + "/" + name, ledger))
            }
        }
        for (index, input) in inputs.enumerated() {
            let chosen = try WorldReading.profiles(profiles, for: input.path, ledger: input.ledger)
            files.append(try reader.read(path: input.path, fileIndex: index, profiles: chosen))
        }
    }

    /// Reads one file on its own, as rekon would (file index 0).
    static func read(file path: String, config: Config) throws -> FileReadResult {
        let reader = DropReader(
            rules: RowRules(products: config.products),
            limits: ReadLimits(maxInflatedBytes: 1 << 34, maxInflateRatio: 1000),
            schemas: SchemaCache())
        let chosen = try profiles(try ProfileSet.load(customDirectory: nil), for: path, ledger: false)
        return try reader.read(path: path, fileIndex: 0, profiles: chosen)
    }

    static func profiles(_ set: ProfileSet, for path: String, ledger: Bool) throws -> [Profile] {
        let chosen = try set.profiles(for: PathName.base(path), path: path)
        guard chosen.allSatisfy({ $0.kind.isLedger == ledger }) else {
            throw TestError.failed(
                "\(path) is read by \(chosen.map(\.name)), not by \(ledger ? "ledger" : "bank") profiles")
        }
        return chosen
    }

    func file(_ name: String) -> FileReadResult? { files.first { $0.name == name } }

    /// The accepted records of one kind, in file order.
    func records(_ kind: RecordKind) -> [Record] {
        let k = RecordKind.allCases.firstIndex(of: kind)!
        return files.flatMap { $0.records[k] }
    }

    var policies: [Record] { records(.policy) }
    var certificates: [Record] { records(.ledgerCertificate) }

    /// Every problem of every rejected row, as truth.json lists them, sorted.
    var rejects: [RejectID] {
        files.flatMap { f in
            f.rejects.map { r in
                RejectID(
                    file: files[Int(r.source.file)].name, line: Int(r.source.line),
                    reason: r.problem.reason.rawValue, field: r.problem.field)
            }
        }.sorted()
    }

    /// Rejected rows with more than one problem (each rejected row of a world must have exactly one).
    var multiProblem: [String] {
        Dictionary(grouping: rejects) { "\($0.file):\($0.line)" }.filter { $0.value.count > 1 }
            .map { "\($0.key) \($0.value.map(\.reason))" }.sorted()
    }

    /// Data rows per file name, over every part (profile) that read it.
    var rows: [String: Int] {
        Dictionary(uniqueKeysWithValues: files.map { f in (f.name, f.parts.reduce(0) { $0 + $1.rows }) })
    }
}
