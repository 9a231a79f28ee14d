/// Reads a profile from its JSON text, strictly: an unknown key or a bad value is a ConfigError naming it.
public enum ProfileLoader {
    public static func load(json bytes: [UInt8], origin: String, isStandard: Bool = false) throws(ConfigError)
        -> Profile
    {
        let root: JSONNode
        do { root = try JSONParser.parse(bytes) } catch {
            throw ConfigError(file: origin, line: error.line, key: "", message: error.message)
        }
        var o = try JSONObjectReader(root, file: origin, path: "")
        try o.requireKnown([
            "name", "kind", "format", "match", "csv", "date_format", "record", "xsd", "fields", "trailer", "comment",
        ])
        _ = try o.string("comment")
        let name = try o.requiredString("name")
        let kindText = try o.requiredString("kind")
        guard let kind = RecordKind(rawValue: kindText) else {
            throw o.error(
                "kind",
                "must be one of \(RecordKind.allCases.map(\.rawValue).joined(separator: ", ")), found \"\(kindText)\"")
        }
        let formatText = try o.requiredString("format")
        guard let format = Profile.Format(rawValue: formatText) else {
            throw o.error("format", "must be csv or xml, found \"\(formatText)\"")
        }
        let match: [String]
        if let n = o.node("match"), case .array = n.value {
            match = try o.stringArray("match") ?? []
        } else {
            match = [try o.requiredString("match")]
        }
        if match.isEmpty || match.contains(where: \.isEmpty) { throw o.error("match", "needs a file name pattern") }

        var p = Profile(name: name, kind: kind, format: format, match: match, origin: origin, isStandard: isStandard)

        if let df = try o.string("date_format") {
            guard let d = DatePattern(df) else { throw o.error("date_format", badDate(df)) }
            p.dateFormat = d
        }
        if var c = try o.object("csv") {
            guard format == .csv else { throw o.error("csv", "is only for profiles of format csv") }
            p.csv = try csvOptions(&c)
        }
        if format == .xml {
            guard let r = try o.string("record"), r.hasPrefix("/"), r.count > 1 else {
                throw o.error(
                    "record",
                    "an xml profile needs the absolute path of its repeating element, such as \"/Drop/Debitur\"")
            }
            p.record = r
            p.xsd = try o.string("xsd")
        } else {
            if o.node("record") != nil { throw o.error("record", "is only for profiles of format xml") }
            if o.node("xsd") != nil { throw o.error("xsd", "is only for profiles of format xml") }
        }

        guard var f = try o.object("fields") else { throw o.error("fields", "is required") }
        let specs = kind.fields
        for key in f.keys {
            guard let spec = specs.first(where: { $0.name == key }) else {
                throw f.error(
                    key,
                    "is not a field of kind \(kind.rawValue); the fields are \(specs.map(\.name).joined(separator: ", "))"
                )
            }
            guard var r = try f.object(key) else { continue }
            p.fields[key] = try fieldRule(&r, spec: spec, profile: p)
        }
        try f.finish()
        for spec in specs where spec.required && p.fields[spec.name] == nil {
            throw f.error(spec.name, "is a required field of kind \(kind.rawValue) and has no mapping")
        }
        if var t = try o.object("trailer") {
            p.trailer = try trailer(&t, profile: p)
        }
        try o.finish()
        return p
    }

    static func badDate(_ s: String) -> String {
        "\"\(s)\" is not a supported date layout; use one of \(DatePattern.supported.joined(separator: ", "))"
    }

    static func singleByte(_ o: JSONObjectReader, _ key: String, _ s: String) throws(ConfigError) -> UInt8 {
        let u = Array(s.utf8)
        guard u.count == 1, u[0] != 10, u[0] != 13 else {
            throw o.error(key, "must be a single ASCII character, found \"\(s)\"")
        }
        return u[0]
    }

    static func csvOptions(_ c: inout JSONObjectReader) throws(ConfigError) -> Profile.CSVOptions {
        var opts = Profile.CSVOptions()
        if let d = try c.string("delimiter") {
            opts.dialect.delimiter = d == "\\t" ? 9 : try singleByte(c, "delimiter", d)
        }
        if let q = try c.string("quote") { opts.dialect.quote = try singleByte(c, "quote", q) }
        if let h = try c.bool("header") { opts.header = h }
        if let e = try c.string("encoding") {
            guard let enc = TextEncoding(rawValue: e.lowercased()) else {
                throw c.error("encoding", "must be one of utf-8, windows-1252, iso-8859-1, found \"\(e)\"")
            }
            opts.encoding = enc
        }
        if let d = try c.string("decimal") { opts.numbers.decimal = try singleByte(c, "decimal", d) }
        if let t = try c.string("thousands") {
            opts.numbers.thousands = t.isEmpty ? nil : try singleByte(c, "thousands", t)
        }
        if opts.numbers.thousands == opts.numbers.decimal {
            throw c.error("thousands", "must differ from the decimal separator")
        }
        if opts.dialect.delimiter == opts.dialect.quote { throw c.error("quote", "must differ from the delimiter") }
        try c.finish()
        return opts
    }

    static func fieldRule(_ r: inout JSONObjectReader, spec: FieldSpec, profile: Profile) throws(ConfigError)
        -> Profile.FieldRule
    {
        var sources: [Profile.Source] = []
        if let n = r.node("column") {
            guard profile.format == .csv else {
                throw r.error("column", "is for csv profiles; xml profiles use \"path\"")
            }
            switch n.value {
            case .string(let s) where !s.isEmpty:
                guard profile.csv.header else {
                    throw r.error("column", "a file without a header row is mapped by 1-based position numbers")
                }
                sources.append(.column(s))
            case .number(let s):
                guard let k = Int(s), k >= 1 else {
                    throw r.error("column", "a position is a whole number from 1, found \(s)")
                }
                sources.append(.position(k))
            default: throw r.error("column", "must be a header name or a 1-based position")
            }
        }
        if let path = try r.string("path") {
            guard profile.format == .xml else {
                throw r.error("path", "is for xml profiles; csv profiles use \"column\"")
            }
            guard !path.isEmpty, !path.hasPrefix("/"), !path.hasSuffix("/") else {
                throw r.error("path", "must be relative to the record element, such as \"Nasabah/NIK\" or \"@no\"")
            }
            if let at = path.firstIndex(of: "@"),
                path[path.index(after: at)...].contains("/")
                    || (at != path.startIndex && path[path.index(before: at)] != "/")
            {
                throw r.error("path", "an attribute comes last, as in \"Nasabah/@id\"")
            }
            sources.append(.path(path))
        }
        if let v = try r.string("value") { sources.append(.value(v)) }
        guard sources.count == 1 else {
            throw r.error(
                "", sources.isEmpty ? "needs one of column, path or value" : "takes only one of column, path or value")
        }
        var rule = Profile.FieldRule(source: sources[0], map: nil, dateFormat: nil)
        if var m = try r.object("map") {
            var map: [String: String] = [:]
            for k in m.keys {
                guard let v = try m.string(k) else { continue }
                map[k] = v
            }
            try m.finish()
            rule.map = map
        }
        if let df = try r.string("date_format") {
            guard spec.type == .date else {
                throw r.error("date_format", "is only for date fields; \(spec.name) is not a date")
            }
            guard let d = DatePattern(df) else { throw r.error("date_format", badDate(df)) }
            rule.dateFormat = d
        }
        try r.finish()
        return rule
    }

    static func trailer(_ t: inout JSONObjectReader, profile: Profile) throws(ConfigError) -> Profile.Trailer {
        let amountFields = Set(profile.kind.fields.filter { $0.type == .amount }.map(\.name))
        func checkSumField(_ s: inout JSONObjectReader, _ k: String) throws(ConfigError) {
            guard amountFields.contains(k) else {
                throw s.error(
                    k,
                    "is not an amount field of kind \(profile.kind.rawValue); sums are of \(amountFields.sorted().joined(separator: ", "))"
                )
            }
        }
        switch profile.format {
        case .csv:
            let prefix = try t.requiredString("prefix")
            guard let count = try t.integer("count_field", min: 1) else {
                throw t.error("count_field", "is required (the field number of the row count; the prefix is field 0)")
            }
            var sums: [Profile.TrailerSum<Int>] = []
            if var s = try t.object("sums") {
                for k in s.keys {
                    try checkSumField(&s, k)
                    guard let n = try s.integer(k, min: 1) else { continue }
                    sums.append(.init(field: k, place: Int(n)))
                }
                try s.finish()
            }
            try t.finish()
            return .csv(prefix: prefix, countField: Int(count), sums: sums)
        case .xml:
            guard let rec = try t.string("record"), rec.hasPrefix("/") else {
                throw t.error("record", "an xml trailer needs the absolute path of its element")
            }
            let count = try t.requiredString("count")
            var sums: [Profile.TrailerSum<String>] = []
            if var s = try t.object("sums") {
                for k in s.keys {
                    try checkSumField(&s, k)
                    guard let path = try s.string(k) else { continue }
                    sums.append(.init(field: k, place: path))
                }
                try s.finish()
            }
            try t.finish()
            return .xml(record: rec, count: count, sums: sums)
        }
    }
}
