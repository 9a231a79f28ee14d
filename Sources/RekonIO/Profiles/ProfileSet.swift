import Foundation
import RekonCore

/// The profiles of a run: the standard layouts shipped with rekon and those of `--profiles DIR`, and
/// which of them read a given file.
public struct ProfileSet: Sendable {
    public var custom: [Profile]
    public var standard: [Profile]

    /// The folder of the standard profiles and the standard XSD.
    public static var standardDirectory: String {
        Bundle.module.resourceURL!.appendingPathComponent("Standard").path
    }

    public static func load(customDirectory: String?) throws(RekonError) -> ProfileSet {
        let standard = try loadFolder(standardDirectory, isStandard: true)
        let custom = try customDirectory.map { (d) throws(RekonError) in try loadFolder(d, isStandard: false) } ?? []
        var seen: [String: String] = [:]
        for p in custom + standard {
            if let other = seen[p.name] {
                throw RekonError(
                    .usage, "the profile name \"\(p.name)\" is used by \(other) too", file: p.origin, field: "name",
                    reason: "profile")
            }
            seen[p.name] = p.origin
        }
        return ProfileSet(custom: custom, standard: standard)
    }

    static func loadFolder(_ dir: String, isStandard: Bool) throws(RekonError) -> [Profile] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw RekonError(.usage, "cannot read the profiles folder", file: dir, reason: "profiles")
        }
        var out: [Profile] = []
        for n in names {
            let path = dir + "/" + n
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RekonError(.usage, "cannot read the profile", file: path, reason: "profile")
            }
            do {
                out.append(try ProfileLoader.load(json: [UInt8](data), origin: path, isStandard: isStandard))
            } catch {
                throw RekonError(error)
            }
        }
        return out
    }

    /// The profiles that read `fileName`: every custom profile that matches, else every standard one.
    /// Several profiles may read one XML document (one per kind it holds); a CSV file has exactly one.
    public func profiles(for fileName: String, path: String) throws(RekonError) -> [Profile] {
        var found = custom.filter { $0.matches(fileName: fileName) }
        if found.isEmpty { found = standard.filter { $0.matches(fileName: fileName) } }
        if found.isEmpty {
            throw RekonError(
                .usage,
                "no profile matches this file name and it is not a standard drop (*_NB_*, *_END_*, *_CLM_*, ledger_certificates*, ledger_claims*, *.xml); add a profile with --profiles",
                file: path, reason: "no_profile")
        }
        if found.count > 1 && found.contains(where: { $0.format == .csv }) {
            throw RekonError(
                .usage,
                "several profiles match this file: \(found.map(\.name).joined(separator: ", ")); make their match patterns exclusive",
                file: path, reason: "ambiguous_profile")
        }
        if found.count > 1 && Set(found.map { $0.xsd ?? "" }).count > 1 {
            throw RekonError(
                .usage,
                "the profiles that read this file name different XSDs: \(found.map(\.name).joined(separator: ", "))",
                file: path, reason: "ambiguous_profile")
        }
        return found.sorted { $0.kind < $1.kind }
    }

    /// The path of a profile's XSD: relative to the profile's own folder.
    public static func xsdPath(of p: Profile) -> String? {
        guard let x = p.xsd else { return nil }
        if x.hasPrefix("/") { return x }
        return PathName.join(PathName.parent(p.origin), x)
    }
}
