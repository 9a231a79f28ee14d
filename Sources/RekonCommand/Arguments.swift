import RekonCore

/// Command-line words split into flags and their values: `--bank a b --ledger c` or `--bank=a`.
/// A flag may repeat; each takes the words up to the next flag.
struct Arguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var order: [String] = []

    init(_ words: [String], flags: [String: Bool]) throws(RekonError) {
        var current: String?
        for w in words {
            if w.hasPrefix("--") {
                var name = String(w.dropFirst(2))
                var inline: String?
                if let eq = name.firstIndex(of: "=") {
                    inline = String(name[name.index(after: eq)...])
                    name = String(name[..<eq])
                }
                guard let takesValue = flags[name] else {
                    throw RekonError(.usage, "unknown option --\(name); see rekon run --help", reason: "usage")
                }
                order.append(name)
                values[name, default: []] += inline.map { [$0] } ?? []
                current = takesValue ? name : nil
                if !takesValue && inline != nil {
                    throw RekonError(.usage, "--\(name) takes no value", reason: "usage")
                }
            } else if let c = current {
                values[c, default: []].append(w)
            } else {
                throw RekonError(.usage, "unexpected argument \"\(w)\"; see rekon run --help", reason: "usage")
            }
        }
        for (name, takesValue) in flags where takesValue {
            if let v = values[name], v.isEmpty {
                throw RekonError(.usage, "--\(name) needs a value", reason: "usage")
            }
        }
    }

    func has(_ name: String) -> Bool { values[name] != nil }
    func list(_ name: String) -> [String]? { values[name] }

    func single(_ name: String) throws(RekonError) -> String? {
        guard let v = values[name] else { return nil }
        guard v.count == 1 else { throw RekonError(.usage, "--\(name) takes one value", reason: "usage") }
        return v[0]
    }
}
