import RekonCore

#if canImport(Glibc)
    import Glibc
#endif

/// The `rekon` command: verbs, help, version and exit codes. `main` returns the process's exit status.
public enum CLI {
    public static let version = "0.1.0"

    public static let help = """
        rekon \(version): batch reconciliation of credit-insurance bank drops against the insurer's ledger.

        Usage:
          rekon run --bank PATH... --ledger PATH... --out DIR [--profiles DIR] [--config rekon.json]
                    [--as-of YYYY-MM-DD] [--fail-on-breaks]
          rekon gen --out DIR [--policies N] [--seed N] [--as-of YYYY-MM-DD] [--formats csv,gzip,xml]
                [--no-endorsements] [--no-claims]
          rekon --help | rekon run --help | rekon gen --help | rekon --version

        Exit codes:
          0  done
          1  done, and breaks were found with --fail-on-breaks
          2  usage or config error (bad flag, config or profile; a file no profile matches)
          3  an input file unusable as a whole (unreadable, bad gzip, malformed or XSD-invalid XML,
             undecodable header, trailer disagrees); nothing is written
          4  writing the outputs failed; the previous outputs are kept

        """

    public static func main(_ args: [String]) -> Int32 {
        let words = Array(args.dropFirst())
        do {
            switch words.first {
            case nil, "--help", "-h", "help":
                print(help, terminator: "")
                return words.isEmpty ? 2 : 0
            case "--version":
                print("rekon \(version)")
                return 0
            case "run":
                if words.contains("--help") || words.contains("-h") {
                    print(RunCommand.help, terminator: "")
                    return 0
                }
                return try RunCommand.run(Array(words.dropFirst()))
            case "gen":
                if words.contains("--help") || words.contains("-h") {
                    print(GenCommand.help, terminator: "")
                    return 0
                }
                return try GenCommand.run(Array(words.dropFirst()))
            case let verb?:
                throw RekonError(
                    .usage, "unknown command \"\(verb)\"; the commands are run and gen (rekon --help)", reason: "usage")
            }
        } catch let e as RekonError {
            report(e)
            return e.code.exitStatus
        } catch {
            report(RekonError(.input, "\(error)", reason: "unexpected"))
            return 3
        }
    }

    /// One line on stderr.
    static func report(_ e: RekonError) {
        log("rekon: \(e)")
    }

    static func log(_ s: String) {
        let line = Array((s.replacingNewlines + "\n").utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }
}

extension String {
    var replacingNewlines: String { String(map { $0 == "\n" || $0 == "\r" ? " " : $0 }) }
}
