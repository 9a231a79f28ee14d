import Foundation

/// A scratch directory under /tmp, removed by `remove()`.
struct TempDir {
    let path: String

    init(_ label: String) {
        path = NSTemporaryDirectory() + "rekon-gen-\(label)-\(UUID().uuidString)"
    }

    func file(_ relative: String) -> String { path + "/" + relative }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum TestError: Error, CustomStringConvertible {
    case failed(String)
    var description: String {
        switch self {
        case .failed(let m): m
        }
    }
}

func readBytes(_ path: String) throws -> [UInt8] {
    guard let d = FileManager.default.contents(atPath: path) else { throw TestError.failed("cannot read \(path)") }
    return [UInt8](d)
}

/// Runs a tool and returns its standard output and exit status.
func run(_ tool: String, _ args: [String]) throws -> (output: [UInt8], status: Int32) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return ([UInt8](data), p.terminationStatus)
}

func gunzipTool() -> String {
    FileManager.default.isExecutableFile(atPath: "/bin/gunzip") ? "/bin/gunzip" : "/usr/bin/gunzip"
}

/// A break as truth.json lists it.
struct BreakID: Hashable, Comparable, CustomStringConvertible {
    var category: String, bank: String, ref: String, version: Int, field: String
    static func < (a: BreakID, b: BreakID) -> Bool {
        (a.bank, a.ref, a.version, a.category, a.field) < (b.bank, b.ref, b.version, b.category, b.field)
    }
    var description: String { "\(category)|\(bank)|\(ref)|\(version)|\(field)" }
}

/// A rejected row's problem as truth.json lists it (`file` is the drop's base name).
struct RejectID: Hashable, Comparable, CustomStringConvertible {
    var file: String, line: Int, reason: String, field: String
    static func < (a: RejectID, b: RejectID) -> Bool {
        (a.file, a.line, a.reason, a.field) < (b.file, b.line, b.reason, b.field)
    }
    var description: String { "\(file):\(line) \(reason) \(field)" }
    /// An endorsement rekon rejects once its policy is known (effective before the policy starts), not its reader.
    var isEndorsementReject: Bool { reason == "INCONSISTENT_DATES" && field == "effective_date" }
    /// A claim rekon rejects once its policy is known (a loss before the policy starts), not its reader.
    var isClaimReject: Bool { reason == "INCONSISTENT_DATES" && field == "loss_date" }
}

/// A world's truth.json.
struct Truth {
    var json: [String: Any]
    var breaks: [BreakID]
    var rejects: [RejectID]
    /// Data rows per file, by path relative to the world.
    var files: [String: Int]
    var categories: [String: Int]
    var reasons: [String: Int]
    var endorsements: Int
    var endorsementsAfterAsOf: Int
    /// The claim rows of the bank drops, and each break's claim_ref (empty for breaks of no claim), by position.
    var claims: Int
    var claimRefs: [String]

    init(_ path: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let j = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw TestError.failed("truth.json")
        }
        json = j
        breaks = ((j["breaks"] as? [[String: Any]]) ?? []).map {
            BreakID(
                category: $0["category"] as! String, bank: $0["bank_code"] as! String, ref: $0["policy_ref"] as! String,
                version: ($0["version"] as! NSNumber).intValue, field: $0["field"] as! String)
        }
        rejects = ((j["rejects"] as? [[String: Any]]) ?? []).map {
            RejectID(
                file: URL(fileURLWithPath: $0["file"] as! String).lastPathComponent,
                line: ($0["line"] as! NSNumber).intValue,
                reason: $0["reason_code"] as! String, field: $0["field"] as! String)
        }
        files = ((j["files"] as? [String: Any]) ?? [:]).mapValues { ($0 as! NSNumber).intValue }
        let counts = (j["counts"] as? [String: Any]) ?? [:]
        categories = ((counts["categories"] as? [String: Any]) ?? [:]).mapValues { ($0 as! NSNumber).intValue }
        reasons = ((counts["reasons"] as? [String: Any]) ?? [:]).mapValues { ($0 as! NSNumber).intValue }
        endorsements = (counts["endorsements"] as? NSNumber)?.intValue ?? -1
        endorsementsAfterAsOf = (counts["endorsements_after_as_of"] as? NSNumber)?.intValue ?? -1
        claims = (counts["claims"] as? NSNumber)?.intValue ?? -1
        claimRefs = ((j["breaks"] as? [[String: Any]]) ?? []).map { ($0["claim_ref"] as? String) ?? "" }
    }

    /// The rejects rekon's reader makes (the endorsement rejects come later, from the replay).
    var readerRejects: [RejectID] { rejects.filter { !$0.isEndorsementReject && !$0.isClaimReject } }

    /// The data rows truth.json gives for the file with this base name.
    func rows(of name: String) -> Int? {
        files.first { URL(fileURLWithPath: $0.key).lastPathComponent == name }?.value
    }
}
