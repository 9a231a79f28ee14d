/// A field enum of one kind; its raw value indexes the row's values.
public protocol FieldKey: RawRepresentable, CaseIterable, Sendable where RawValue == Int {
    static var kind: RecordKind { get }
}
extension PolicyField: FieldKey { public static var kind: RecordKind { .policy } }
extension EndorsementField: FieldKey { public static var kind: RecordKind { .endorsement } }
extension ClaimField: FieldKey { public static var kind: RecordKind { .claim } }
extension LedgerCertificateField: FieldKey { public static var kind: RecordKind { .ledgerCertificate } }
extension LedgerClaimField: FieldKey { public static var kind: RecordKind { .ledgerClaim } }

extension FieldKey {
    /// The canonical field name, from the catalogue.
    @inlinable public var name: String { Self.kind.fields[rawValue].name }
}

/// An accepted, normalised row of any kind: its canonical values and where it came from.
public struct Record: Sendable, Equatable {
    public var values: FieldValues
    public var source: SourceLocation

    public init(values: FieldValues, source: SourceLocation) {
        self.values = values
        self.source = source
    }

    @inlinable public subscript<F: FieldKey>(_ f: F) -> FieldValue {
        get { values[f.rawValue] }
        set { values[f.rawValue] = newValue }
    }
    @inlinable public func text<F: FieldKey>(_ f: F) -> String? { values.text(f.rawValue) }
    @inlinable public func int<F: FieldKey>(_ f: F) -> Int64? { values.int(f.rawValue) }
    @inlinable public func day<F: FieldKey>(_ f: F) -> Day? { values.day(f.rawValue) }
    @inlinable public func rate<F: FieldKey>(_ f: F) -> Rate? { values.rate(f.rawValue) }
    @inlinable public func list<F: FieldKey>(_ f: F) -> [String]? { values.list(f.rawValue) }
}

/// A policy's identity on both sides: `(bank_code, policy_ref)`.
public struct PolicyKey: Hashable, Sendable {
    public var bank: String
    public var ref: String
    public init(bank: String, ref: String) {
        self.bank = bank
        self.ref = ref
    }
}
