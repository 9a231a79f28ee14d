internal import CRekonXML2  // see LibXML2.swift

/// Why a schema could not be compiled.
public struct XMLSchemaError: Error, Equatable, CustomStringConvertible {
    public enum Code: Equatable, Sendable {
        /// The XSD bytes are not well-formed XML.
        case malformed
        /// The XSD has a DOCTYPE or an entity reference (never accepted).
        case unsafeMarkup
        /// libxml2 rejected the schema, including any xs:include/xs:import/xs:redefine it refused to load.
        case invalidSchema
    }

    public let code: Code
    public let schemaName: String
    public let line: Int
    public let message: String

    public init(code: Code, schemaName: String, line: Int, message: String) {
        self.code = code
        self.schemaName = schemaName
        self.line = line
        self.message = message
    }

    public var description: String {
        let what =
            switch code {
            case .malformed: "is not well-formed XML"
            case .unsafeMarkup: "contains a DOCTYPE or entity reference"
            case .invalidSchema: "is not a usable XML Schema"
            }
        return "schema \(schemaName) \(what) (line \(line))"
    }
}

/// A compiled W3C XML Schema (xmlSchemaNewMemParserCtxt + xmlSchemaParse). Built from bytes; must not load anything from network or disk (imports/includes are refused or fail).
///
/// The XSD is first streamed through `XMLStreamReader`, so a DOCTYPE or entity in it is refused
/// before libxml2's schema parser (which substitutes entities) sees it. Other documents are never
/// loaded: the process-wide external entity loader refuses everything, and the "skipping import"
/// warning libxml2 gives when it cannot load one is treated as an error.
public final class XMLSchema {
    /// The compiled xmlSchemaPtr (an opaque pointer), for xmlTextReaderSetSchema.
    let handle: OpaquePointer

    /// Compiles `xsd` (xmlSchemaNewMemParserCtxt + xmlSchemaSetParserStructuredErrors + xmlSchemaParse); `name` is used in errors only.
    public init(xsd: [UInt8], name: String) throws {
        LibXML2.ensureSetUp()
        try Self.refuseUnsafeMarkup(xsd, name: name)
        guard xsd.count <= Int(Int32.max) else {
            throw XMLSchemaError(code: .invalidSchema, schemaName: name, line: 0, message: "schema too large")
        }
        let collector = SchemaDiagnostics()
        let compiled: xmlSchemaPtr? = xsd.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress,
                let parser = xmlSchemaNewMemParserCtxt(base.assumingMemoryBound(to: CChar.self), Int32(bytes.count))
            else { return nil }
            defer { xmlSchemaFreeParserCtxt(parser) }
            xmlSchemaSetParserStructuredErrors(
                parser,
                { context, error in
                    guard let context, let error else { return }
                    Unmanaged<SchemaDiagnostics>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
                }, Unmanaged.passUnretained(collector).toOpaque())
            return xmlSchemaParse(parser)
        }
        withExtendedLifetime(collector) {}
        if let failure = collector.first {
            if let compiled { xmlSchemaFree(compiled) }
            throw XMLSchemaError(code: .invalidSchema, schemaName: name, line: failure.line, message: failure.message)
        }
        guard let compiled else {
            throw XMLSchemaError(code: .invalidSchema, schemaName: name, line: 0, message: "xmlSchemaParse failed")
        }
        handle = compiled
    }

    deinit { xmlSchemaFree(handle) }

    private static func refuseUnsafeMarkup(_ xsd: [UInt8], name: String) throws {
        do {
            let reader = try XMLStreamReader(source: BytesSource(xsd), documentName: name, schema: nil)
            while try reader.next() != nil {}
        } catch let error as XMLReaderError {
            let code: XMLSchemaError.Code =
                switch error.code {
                case .doctypeRefused, .entityRefused: .unsafeMarkup
                case .malformed, .schemaInvalid, .io: .malformed
                }
            throw XMLSchemaError(code: code, schemaName: name, line: error.line, message: error.message)
        }
    }
}

/// The context behind the schema parser's error callback.
private final class SchemaDiagnostics {
    private(set) var first: LibXML2.Diagnostic?

    func record(_ error: xmlError) {
        let unloadedImport =
            error.code == Int32(XML_SCHEMAP_WARN_UNLOCATED_SCHEMA.rawValue)
            || error.code == Int32(XML_SCHEMAP_WARN_SKIP_SCHEMA.rawValue)
        guard first == nil, LibXML2.isErrorLevel(error) || unloadedImport else { return }
        first = LibXML2.Diagnostic(error)
    }
}
