/// A configuration mistake: which file, which key, on which line, and what to write instead.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let key: String
    public let message: String

    public init(file: String, line: Int, key: String, message: String) {
        self.file = file
        self.line = line
        self.key = key
        self.message = message
    }

    public var description: String {
        key.isEmpty ? "\(file):\(line): error: \(message)" : "\(file):\(line): error: \(key): \(message)"
    }
}

/// Reads a JSON object strictly: typed getters, and `finish()` rejects every key that was not read.
public struct JSONObjectReader {
    public let file: String
    public let path: String
    public let line: Int
    let members: [(key: String, value: JSONNode)]
    private var read: Set<String> = []

    public init(_ node: JSONNode, file: String, path: String) throws(ConfigError) {
        guard case .object(let m) = node.value else {
            throw ConfigError(
                file: file, line: node.line, key: path, message: "expected an object, found \(node.value.typeName)")
        }
        self.file = file
        self.path = path
        self.line = node.line
        self.members = m
    }

    public func keyPath(_ key: String) -> String { key.isEmpty ? path : path.isEmpty ? key : "\(path).\(key)" }

    public func error(_ key: String, _ message: String, line: Int? = nil) -> ConfigError {
        ConfigError(file: file, line: line ?? self.line, key: keyPath(key), message: message)
    }

    public var keys: [String] { members.map(\.key) }

    public mutating func node(_ key: String) -> JSONNode? {
        read.insert(key)
        return members.first(where: { $0.key == key })?.value
    }

    public mutating func string(_ key: String) throws(ConfigError) -> String? {
        guard let n = node(key) else { return nil }
        guard case .string(let s) = n.value else {
            throw error(key, "expected a string, found \(n.value.typeName)", line: n.line)
        }
        return s
    }

    public mutating func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw error(key, "is required") }
        return s
    }

    public mutating func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let n = node(key) else { return nil }
        guard case .bool(let b) = n.value else {
            throw error(key, "expected true or false, found \(n.value.typeName)", line: n.line)
        }
        return b
    }

    /// A number's literal text.
    public mutating func number(_ key: String) throws(ConfigError) -> String? {
        guard let n = node(key) else { return nil }
        guard case .number(let s) = n.value else {
            throw error(key, "expected a number, found \(n.value.typeName)", line: n.line)
        }
        return s
    }

    public mutating func integer(_ key: String, min: Int64 = Int64.min) throws(ConfigError) -> Int64? {
        guard let s = try number(key) else { return nil }
        guard let v = Int64(s), v >= min else {
            throw error(key, "expected a whole number\(min == 0 ? " ≥ 0" : min == 1 ? " ≥ 1" : ""), found \(s)")
        }
        return v
    }

    /// A decimal with up to six places, in millionths (0.9 → 900000).
    public mutating func micros(_ key: String) throws(ConfigError) -> Int64? {
        guard let s = try number(key) else { return nil }
        guard let v = JSONObjectReader.micros(s) else {
            throw error(key, "expected a number with at most 6 decimals, found \(s)")
        }
        return v
    }

    public static func micros(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { NumberFormat.standard.parseMicros(UnsafeRawBufferPointer($0)) }
    }

    public mutating func object(_ key: String) throws(ConfigError) -> JSONObjectReader? {
        guard let n = node(key) else { return nil }
        return try JSONObjectReader(n, file: file, path: keyPath(key))
    }

    public mutating func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let n = node(key) else { return nil }
        guard case .array(let items) = n.value else {
            throw error(key, "expected an array of strings, found \(n.value.typeName)", line: n.line)
        }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item.value else {
                throw error(key, "expected an array of strings", line: item.line)
            }
            out.append(s)
        }
        return out
    }

    /// Rejects, before anything else is read, a key outside `known`: a misspelt key is the likelier
    /// mistake than the errors it would cause further on.
    public func requireKnown(_ known: [String]) throws(ConfigError) {
        for m in members where !known.contains(m.key) {
            throw ConfigError(file: file, line: m.value.line, key: keyPath(m.key), message: "unknown key")
        }
    }

    /// Rejects any key that no getter asked for, naming it.
    public func finish(allowed: [String] = []) throws(ConfigError) {
        for m in members where !read.contains(m.key) && !allowed.contains(m.key) {
            throw ConfigError(file: file, line: m.value.line, key: keyPath(m.key), message: "unknown key")
        }
    }
}
