import Foundation
import RekonCore
import RekonNative

/// The control totals a file declared and what rekon counted.
public struct ControlTotals: Sendable, Equatable {
    public struct Sum: Sendable, Equatable {
        public var field: String
        public var declared: Int64
        public var counted: Int64
    }
    public var declaredRows: Int64
    public var countedRows: Int64
    public var sums: [Sum]
}

/// What one profile read from one file.
public struct FilePart: Sendable {
    public var kind: RecordKind
    public var profile: String
    public var rows = 0
    public var accepted = 0
    public var rejected = 0
    public var control: ControlTotals?
}

/// Everything read from one input file.
public struct FileReadResult: Sendable {
    public var path: String
    public var name: String
    public var sha256 = ""
    public var bytes: Int64 = 0
    public var isGzip = false
    public var parts: [FilePart] = []
    /// Accepted records by kind (indexed like `RecordKind.allCases`).
    public var records: [[Record]] = Array(repeating: [], count: RecordKind.allCases.count)
    public var rejects: [Reject] = []
    public var rejectedPolicyKeys: [PolicyKey] = []
    /// (bank_code, claim_ref) of the claim rows that were rejected.
    public var rejectedClaimKeys: [PolicyKey] = []
    /// The ledger fields (of its kind) this file's layout carries.
    public var carried: Set<Int> = []
}

public struct ReadLimits: Sendable {
    public var maxInflatedBytes: Int64
    public var maxInflateRatio: Int64
    public init(maxInflatedBytes: Int64, maxInflateRatio: Int64) {
        self.maxInflatedBytes = maxInflatedBytes
        self.maxInflateRatio = maxInflateRatio
    }
}

/// Reads one input file with the profiles that match it.
public struct DropReader: Sendable {
    public let rules: RowRules
    public let limits: ReadLimits
    /// Compiled XSDs by path, shared by the files of a run.
    public let schemas: SchemaCache

    public init(rules: RowRules, limits: ReadLimits, schemas: SchemaCache) {
        self.rules = rules
        self.limits = limits
        self.schemas = schemas
    }

    public func read(path: String, fileIndex: Int, profiles: [Profile]) throws -> FileReadResult {
        let name = PathName.base(path)
        var result = FileReadResult(path: path, name: name)
        do {
            let bytes = try DropBytes.open(
                path: path, maxInflatedBytes: limits.maxInflatedBytes, maxRatio: limits.maxInflateRatio)
            result.isGzip = bytes.isGzip
            var sinks: [RowSink]
            if profiles[0].format == .csv {
                sinks = [try readCSV(bytes.source, name: name, fileIndex: fileIndex, profile: profiles[0])]
            } else {
                sinks = try readXML(bytes.source, name: name, fileIndex: fileIndex, profiles: profiles)
            }
            // Drain what the parser left unread so the hash covers the whole file.
            try drain(bytes.hashing)
            result.sha256 = bytes.hashing.digestHex()
            result.bytes = bytes.hashing.bytesRead
            for s in sinks {
                if let c = s.part.control { try check(c, file: name, profile: s.profile) }
                result.parts.append(s.part)
                result.records[RecordKind.allCases.firstIndex(of: s.kind)!].append(contentsOf: s.records)
                result.rejects.append(contentsOf: s.rejects)
                if s.kind == .claim {
                    result.rejectedClaimKeys.append(contentsOf: s.rejectedKeys)
                } else {
                    result.rejectedPolicyKeys.append(contentsOf: s.rejectedKeys)
                }
                if s.kind == .ledgerCertificate || s.kind == .ledgerClaim {
                    for (i, b) in s.bindings.enumerated() { if case .none = b {} else { result.carried.insert(i) } }
                }
            }
        } catch let e as RekonError {
            throw e
        } catch let e as GzipError {
            throw RekonError(.input, "the gzip stream is unusable: \(e)", file: name, reason: "gzip")
        } catch let e as XMLReaderError {
            let reason: String
            switch e.code {
            case .schemaInvalid: reason = "xsd_invalid"
            case .doctypeRefused: reason = "doctype_refused"
            case .entityRefused: reason = "entity_refused"
            case .malformed: reason = "xml_malformed"
            case .io: reason = "unreadable"
            }
            throw RekonError(
                .input, LogText.withoutValues(e.message), file: name, line: e.line,
                column: e.column > 0 ? e.column : nil, reason: reason)
        }
        return result
    }

    private func drain(_ s: any ByteSource) throws {
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while try buf.withUnsafeMutableBytes({ try s.read(into: $0) }) > 0 {}
    }

    private func check(_ c: ControlTotals, file: String, profile: Profile) throws(RekonError) {
        if c.declaredRows != c.countedRows {
            throw RekonError(
                .input,
                "the trailer declares \(c.declaredRows) \(profile.kind.rawValue) rows but the file holds \(c.countedRows): it is truncated or corrupt",
                file: file, reason: "trailer_count")
        }
        for s in c.sums where s.declared != s.counted {
            throw RekonError(
                .input,
                "the trailer's total of \(s.field) is \(s.declared) but the rows add up to \(s.counted): the file is truncated or corrupt",
                file: file, field: s.field, reason: "trailer_sum")
        }
    }

    // MARK: CSV

    private func readCSV(_ source: any ByteSource, name: String, fileIndex: Int, profile: Profile) throws -> RowSink {
        let dialect = profile.csv.dialect
        let reader = CSVRecordReader(source: source, dialect: dialect)
        var sink: RowSink?
        var expectedFields = -1
        var scratch: [UInt8] = []
        var trailerSeen = false
        var declaredRows: Int64 = 0
        var declaredSums: [Int64] = []
        let trailerPrefix: [UInt8]?
        var trailerCount = 0
        var trailerSums: [Int] = []
        if case .csv(let prefix, let count, let sums)? = profile.trailer {
            trailerPrefix = Array(prefix.utf8)
            trailerCount = count
            trailerSums = sums.map(\.place)
        } else {
            trailerPrefix = nil
        }
        let numbers = profile.csv.numbers
        if !profile.csv.header {
            sink = RowSink(
                profile: profile, rules: rules, fileIndex: fileIndex,
                bindings: try bindings(profile, header: nil, file: name))
        }
        try reader.forEach { event in
            switch event {
            case .malformed(let line, let reason):
                if trailerSeen { throw afterTrailer(name, line) }
                sink?.malformed(line: line, message: reason.rawValue)
            case .record(let view):
                guard let s = sink else {
                    var header: [String] = []
                    for i in 0..<view.count {
                        let t = view.withField(i, scratch: &scratch) { b in
                            profile.csv.encoding.decode(RowDecoder.trimmed(b))
                        }
                        guard let t else {
                            throw RekonError(
                                .input, "the header row is not \(profile.csv.encoding.rawValue) text", file: name,
                                line: view.line, reason: "undecodable")
                        }
                        header.append(t)
                    }
                    expectedFields = header.count
                    sink = RowSink(
                        profile: profile, rules: rules, fileIndex: fileIndex,
                        bindings: try bindings(profile, header: header, file: name, line: view.line))
                    return
                }
                if let prefix = trailerPrefix, view.count > 0,
                    view.withField(0, scratch: &scratch, { RowDecoder.trimmed($0).elementsEqual(prefix) })
                {
                    if trailerSeen { throw afterTrailer(name, view.line) }
                    trailerSeen = true
                    func number(_ k: Int, _ what: String) throws(RekonError) -> Int64 {
                        guard k < view.count,
                            let v = view.withField(
                                k, scratch: &scratch, { numbers.parseAmount(RowDecoder.trimmed($0)) })
                        else {
                            throw RekonError(
                                .input, "trailer field \(k) (\(what)) is not a number", file: name, line: view.line,
                                reason: "trailer_unreadable")
                        }
                        return v
                    }
                    declaredRows = try number(trailerCount, "the row count")
                    declaredSums = []
                    for k in trailerSums { declaredSums.append(try number(k, "a total")) }
                    return
                }
                if trailerSeen { throw afterTrailer(name, view.line) }
                if expectedFields >= 0 && view.count != expectedFields {
                    var ref: String?
                    if case .slot(let k) = s.bindings[0], k < view.count {
                        ref = view.withField(k, scratch: &scratch) {
                            profile.csv.encoding.decode(RowDecoder.trimmed($0))
                        }
                    }
                    s.malformed(
                        line: view.line,
                        message: "expected \(expectedFields) fields as in the header, found \(view.count)", ref: ref)
                    return
                }
                s.accept(line: view.line) { slot, body in
                    if slot < view.count {
                        view.withField(slot, scratch: &scratch) { body($0) }
                    } else {
                        body(nil)
                    }
                }
            }
        }
        guard let s = sink else {
            // An empty file: no header, no rows.
            let empty = RowSink(profile: profile, rules: rules, fileIndex: fileIndex, bindings: [])
            if trailerPrefix != nil {
                throw RekonError(
                    .input, "the file is empty but its profile expects a trailer row: it is truncated", file: name,
                    line: 1, reason: "trailer_missing")
            }
            empty.bindings = []
            return empty
        }
        if trailerPrefix != nil {
            guard trailerSeen else {
                throw RekonError(
                    .input, "the trailer row is missing: the file is truncated", file: name, reason: "trailer_missing")
            }
            s.part.control = s.control(declaredRows: declaredRows, declaredSums: declaredSums)
        }
        return s
    }

    private func afterTrailer(_ name: String, _ line: Int) -> RekonError {
        RekonError(
            .input, "a row follows the trailer row: the file is corrupt", file: name, line: line,
            reason: "trailer_position")
    }

    /// Resolves each canonical field of a CSV profile to a column of this file.
    private func bindings(_ p: Profile, header: [String]?, file: String, line: Int = 1) throws(RekonError) -> [Binding]
    {
        var out: [Binding] = []
        for spec in p.kind.fields {
            guard let rule = p.fields[spec.name] else {
                out.append(.none)
                continue
            }
            switch rule.source {
            case .value(let v): out.append(.constant(Array(v.utf8)))
            case .position(let k): out.append(.slot(k - 1))
            case .column(let c):
                if let k = header?.firstIndex(of: c) {
                    out.append(.slot(k))
                } else if p.isStandard && !spec.required {
                    out.append(.none)
                } else {
                    throw RekonError(
                        .input, "the header has no column \"\(c)\", which profile \(p.name) maps to \(spec.name)",
                        file: file, line: line, field: spec.name, reason: "missing_column")
                }
            case .path: out.append(.none)
            }
        }
        return out
    }

    // MARK: XML

    private func readXML(_ source: any ByteSource, name: String, fileIndex: Int, profiles: [Profile]) throws
        -> [RowSink]
    {
        let schema = try ProfileSet.xsdPath(of: profiles[0]).map { try schemas.schema(at: $0) }
        var routes: [XMLRoute] = []
        var sinks: [RowSink] = []
        for p in profiles {
            var paths: [String] = []
            var b: [Binding] = []
            for spec in p.kind.fields {
                switch p.fields[spec.name]?.source {
                case .path(let path)?:
                    if let k = paths.firstIndex(of: path) {
                        b.append(.slot(k))
                    } else {
                        b.append(.slot(paths.count))
                        paths.append(path)
                    }
                case .value(let v)?: b.append(.constant(Array(v.utf8)))
                default: b.append(.none)
                }
            }
            routes.append(XMLRoute(recordPath: p.record!, paths: paths))
            sinks.append(RowSink(profile: p, rules: rules, fileIndex: fileIndex, bindings: b))
        }
        // Trailers: one route per trailer element, shared by the profiles that read it (the standard
        // Trailer carries the totals of every kind).
        var trailerPaths: [String: [String]] = [:]
        for p in profiles {
            if case .xml(let rec, let count, let sums)? = p.trailer {
                trailerPaths[rec, default: []].append(contentsOf: [count] + sums.map(\.place))
            }
        }
        var trailerRoute: [String: Int] = [:]
        for rec in trailerPaths.keys.sorted() {
            trailerRoute[rec] = routes.count
            routes.append(XMLRoute(recordPath: rec, paths: trailerPaths[rec]!))
        }
        var trailerSlots: [Int: [String?]] = [:]
        let reader = try XMLRecordReader(source: source, documentName: name, schema: schema)
        try reader.forEach(routes: routes) { route, slots, line in
            if route >= sinks.count {
                trailerSlots[route] = slots
                return
            }
            sinks[route].accept(line: line) { slot, body in
                guard var t = slots[slot] else { return body(nil) }
                t.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            }
        }
        for (i, p) in profiles.enumerated() {
            guard case .xml(let rec, let count, let sums)? = p.trailer else { continue }
            let route = trailerRoute[rec]!
            guard let slots = trailerSlots[route] else {
                throw RekonError(
                    .input, "the trailer element \(rec) is missing: the file is truncated", file: name,
                    reason: "trailer_missing")
            }
            func number(_ path: String) throws(RekonError) -> Int64 {
                guard let k = routes[route].slots[path], var t = slots[k],
                    let v = t.withUTF8({
                        NumberFormat.standard.parseAmount(RowDecoder.trimmed(UnsafeRawBufferPointer($0)))
                    })
                else {
                    throw RekonError(
                        .input, "the trailer's \(path) is missing or not a number", file: name, field: path,
                        reason: "trailer_unreadable")
                }
                return v
            }
            let declaredRows = try number(count)
            var declared: [Int64] = []
            for s in sums { declared.append(try number(s.place)) }
            sinks[i].part.control = sinks[i].control(declaredRows: declaredRows, declaredSums: declared)
        }
        return sinks
    }
}
