/// A JSON document as parsed for configuration: numbers keep their literal text so that rates and
/// amounts are read exactly, and every value knows its line for error messages.
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONNode])
    case object([(key: String, value: JSONNode)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A JSON value with the line it starts on.
public struct JSONNode: Equatable, Sendable {
    public let value: JSONValue
    public let line: Int
}

public struct JSONSyntaxError: Error, Equatable, Sendable {
    public let line: Int
    public let message: String
}

/// A strict RFC 8259 parser over bytes.
public struct JSONParser {
    private let b: [UInt8]
    private var i = 0
    private var line = 1

    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var p = JSONParser(b: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3 }
        let v = try p.value()
        p.skip()
        if p.i != p.b.count { throw p.fail("unexpected text after the document") }
        return v
    }

    private init(b: [UInt8]) { self.b = b }

    private func fail(_ m: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: m) }

    private mutating func skip() {
        while i < b.count {
            switch b[i] {
            case 10:
                line += 1
                i += 1
            case 32, 9, 13: i += 1
            default: return
            }
        }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONNode {
        skip()
        guard i < b.count else { throw fail("unexpected end of the document") }
        let l = line
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(key: String, value: JSONNode)] = []
            skip()
            if i < b.count && b[i] == UInt8(ascii: "}") {
                i += 1
                return JSONNode(value: .object(members), line: l)
            }
            while true {
                skip()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                let k = try string()
                if members.contains(where: { $0.key == k }) { throw fail("the key \"\(k)\" appears twice") }
                skip()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after \"\(k)\"") }
                i += 1
                members.append((k, try value()))
                skip()
                guard i < b.count else { throw fail("unexpected end inside an object") }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if b[i] == UInt8(ascii: "}") {
                    i += 1
                    return JSONNode(value: .object(members), line: l)
                }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONNode] = []
            skip()
            if i < b.count && b[i] == UInt8(ascii: "]") {
                i += 1
                return JSONNode(value: .array(items), line: l)
            }
            while true {
                items.append(try value())
                skip()
                guard i < b.count else { throw fail("unexpected end inside an array") }
                if b[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if b[i] == UInt8(ascii: "]") {
                    i += 1
                    return JSONNode(value: .array(items), line: l)
                }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return JSONNode(value: .string(try string()), line: l)
        case UInt8(ascii: "t"):
            try literal("true")
            return JSONNode(value: .bool(true), line: l)
        case UInt8(ascii: "f"):
            try literal("false")
            return JSONNode(value: .bool(false), line: l)
        case UInt8(ascii: "n"):
            try literal("null")
            return JSONNode(value: .null, line: l)
        default:
            return JSONNode(value: .number(try number()), line: l)
        }
    }

    private mutating func literal(_ s: String) throws(JSONSyntaxError) {
        let u = Array(s.utf8)
        guard i + u.count <= b.count, Array(b[i..<(i + u.count)]) == u else { throw fail("unexpected text") }
        i += u.count
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let s = i
        if i < b.count && b[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0
        while i < b.count, b[i] >= 48, b[i] <= 57 {
            i += 1
            digits += 1
        }
        if digits == 0 { throw fail("unexpected text") }
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            var f = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                i += 1
                f += 1
            }
            if f == 0 { throw fail("a number ends with '.'") }
        }
        if i < b.count && (b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E")) {
            throw fail("exponents are not accepted in numbers; write the number out")
        }
        return String(decoding: b[s..<i], as: UTF8.self)
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        i += 1
        var out: [UInt8] = []
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw fail("a control character inside a string") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < b.count else { break }
                switch b[i] {
                case UInt8(ascii: "\""): out.append(34)
                case UInt8(ascii: "\\"): out.append(92)
                case UInt8(ascii: "/"): out.append(47)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "u"):
                    var cp = try hex4()
                    if cp >= 0xD800 && cp < 0xDC00 {
                        guard i + 2 < b.count, b[i + 1] == 92, b[i + 2] == UInt8(ascii: "u") else {
                            throw fail("a lone surrogate in a string")
                        }
                        i += 2
                        let lo = try hex4()
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    guard let sc = Unicode.Scalar(cp) else { throw fail("a bad \\u escape") }
                    UTF8.encode(sc) { out.append($0) }
                default: throw fail("a bad escape in a string")
                }
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        throw fail("a string is never closed")
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 < b.count else { throw fail("a bad \\u escape") }
        var v: UInt32 = 0
        for k in 1...4 {
            let c = b[i + k]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("a bad \\u escape")
            }
            v = v * 16 + d
        }
        i += 4
        return v
    }
}

/// Appends JSON text; keys are written in the order given, so output is byte-stable.
public enum JSONWriter {
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(34)
        for c in s.utf8 {
            switch c {
            case 34:
                out.append(92)
                out.append(34)
            case 92:
                out.append(92)
                out.append(92)
            case 10:
                out.append(92)
                out.append(UInt8(ascii: "n"))
            case 13:
                out.append(92)
                out.append(UInt8(ascii: "r"))
            case 9:
                out.append(92)
                out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                let hex = Array("0123456789abcdef".utf8)
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 15)])
            case UInt8(ascii: "<"):  // keeps JSON safe to embed in HTML
                out.append(contentsOf: Array("\\u003c".utf8))
            default: out.append(c)
            }
        }
        out.append(34)
    }
}
