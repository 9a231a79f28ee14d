/// A mapping profile: how one bank's or ledger's file layout maps onto a canonical kind (SPEC §3).
/// The standard layouts are profiles too, shipped with rekon.
public struct Profile: Sendable {
    public enum Format: String, Sendable { case csv, xml }

    public struct CSVOptions: Sendable, Equatable {
        public var dialect = CSVDialect()
        public var header = true
        public var encoding = TextEncoding.utf8
        public var numbers = NumberFormat.standard
    }

    public enum Source: Sendable, Equatable {
        case column(String)
        case position(Int)
        case path(String)
        case value(String)
    }

    public struct FieldRule: Sendable, Equatable {
        public var source: Source
        public var map: [String: String]?
        public var dateFormat: DatePattern?
    }

    /// Control totals: the row count and the sums of amount fields that a trailer declares.
    public enum Trailer: Sendable, Equatable {
        /// A CSV row whose field 0 is `prefix`; fields numbered from 0.
        case csv(prefix: String, countField: Int, sums: [TrailerSum<Int>])
        /// An XML element at an absolute `record` path; count and sums are paths relative to it.
        case xml(record: String, count: String, sums: [TrailerSum<String>])
    }

    public struct TrailerSum<Place: Sendable & Equatable>: Sendable, Equatable {
        public var field: String
        public var place: Place
    }

    public var name: String
    public var kind: RecordKind
    public var format: Format
    public var match: [String]
    public var csv = CSVOptions()
    public var dateFormat = DatePattern.iso
    /// Rules by canonical field name.
    public var fields: [String: FieldRule] = [:]
    public var trailer: Trailer?
    /// XML: the absolute path of the repeating record element.
    public var record: String?
    /// XML: the schema to validate against, as written (relative to the profile's folder).
    public var xsd: String?
    /// Where the profile was read from.
    public var origin: String
    public var isStandard: Bool

    public func matches(fileName: String) -> Bool { match.contains { Glob.matches($0, fileName) } }

    /// The row decoder for this profile's files.
    public func rowDecoder() -> RowDecoder {
        let specs = kind.fields
        return RowDecoder(
            kind: kind, encoding: format == .csv ? csv.encoding : .utf8,
            numbers: format == .csv ? csv.numbers : .standard,
            datePatterns: specs.map { fields[$0.name]?.dateFormat ?? dateFormat },
            maps: specs.map { fields[$0.name]?.map })
    }
}
