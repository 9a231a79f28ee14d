/// The one fatal error of a run: what failed, where (file, line, field), how to fix it, and the exit
/// status it maps to. Its description never holds field values, so it is safe for logs.
public struct RekonError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A bad command line, config or profile: exit 2.
        case usage
        /// An input file unusable as a whole: exit 3.
        case input
        /// Writing the outputs failed: exit 4.
        case output

        public var exitStatus: Int32 {
            switch self {
            case .usage: return 2
            case .input: return 3
            case .output: return 4
            }
        }
    }

    public var code: Code
    public var message: String
    public var file: String?
    public var line: Int?
    public var column: Int?
    public var field: String?
    /// A short machine-readable reason, e.g. `trailer_count`, `gzip_truncated`, `xsd_invalid`.
    public var reason: String

    public init(
        _ code: Code, _ message: String, file: String? = nil, line: Int? = nil, column: Int? = nil,
        field: String? = nil, reason: String
    ) {
        self.code = code
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.reason = reason
    }

    public init(_ e: ConfigError) {
        self.init(.usage, e.message, file: e.file, line: e.line, field: e.key.isEmpty ? nil : e.key, reason: "config")
    }

    /// `file:line:column: error: [field: ]message [reason]`
    public var description: String {
        var s = ""
        if let file {
            s += file
            if let line { s += ":\(line)" }
            if let column { s += ":\(column)" }
            s += ": "
        }
        s += "error: "
        if let field { s += "\(field): " }
        s += message
        s += " [\(reason)]"
        return s
    }
}
