import RekonCore

/// `rekon gen`: a seeded synthetic world (wired to RekonGen).
enum GenCommand {
    static let help = """
    Usage: rekon gen --out DIR [--policies N] [--seed N] [--as-of YYYY-MM-DD] [--formats csv,gzip,xml]

    """
    static func run(_ words: [String]) throws -> Int32 {
        throw RekonError(.usage, "gen is not wired yet", reason: "usage")
    }
}
