internal import CRekonXML2  // see LibXML2.swift

/// One event from the streaming reader.
public enum XMLEvent: Equatable, Sendable {
    /// Element start with its qualified name, attributes (namespace declarations excluded) and line;
    /// for an empty element `<a/>` an `.end` follows immediately.
    case start(name: String, attributes: [XMLAttribute], line: Int)
    /// Element end with its qualified name.
    case end(name: String)
    /// A TEXT or CDATA node, decoded by libxml2; whitespace-only nodes are skipped.
    case text(String)
}

/// One attribute of an element start, its value decoded by libxml2.
public struct XMLAttribute: Equatable, Sendable {
    public let name: String
    public let value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Why a document was rejected. `description` names the code and position only; `message` is
/// libxml2's own text (which may quote names or values, as libxml2 does).
public struct XMLReaderError: Error, Equatable, CustomStringConvertible {
    public enum Code: Equatable, Sendable { case malformed, schemaInvalid, doctypeRefused, entityRefused, io }

    public let code: Code
    public let line: Int
    public let column: Int
    public let message: String

    public init(code: Code, line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        let what =
            switch code {
            case .malformed: "malformed XML"
            case .schemaInvalid: "XML not valid against its schema"
            case .doctypeRefused: "XML DOCTYPE refused"
            case .entityRefused: "XML entity reference refused"
            case .io: "XML input failed"
            }
        return "\(what) at line \(line), column \(column)"
    }
}

/// Streaming, secure XML reader over xmlTextReader fed from a ByteSource via xmlReaderForIO (libxml2 never opens a file or URL itself).
///
/// The options are XML_PARSE_NONET and XML_PARSE_BIG_LINES (exact lines past 65535): no entity
/// substitution, no DTD loading or defaulting,
/// no huge-document relaxation. A DOCTYPE is refused before libxml2 parses it
/// (see `XMLPrologGate`), and the DOCTYPE node itself is refused as a backstop. Errors are sticky.
public final class XMLStreamReader {
    static let parseOptions = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue)

    private let reader: OpaquePointer
    private let input: XMLReaderInput
    private let schema: XMLSchema?
    private var pendingEnd: String?
    private var failure: (any Error)?
    private var finished = false

    /// Opens a reader (xmlReaderForIO + xmlTextReaderSetStructuredErrorHandler + xmlTextReaderSetSchema).
    public init(source: any ByteSource, documentName: String, schema: XMLSchema?) throws {
        LibXML2.ensureSetUp()
        let input = XMLReaderInput(source: source)
        let context = Unmanaged.passUnretained(input).toOpaque()
        let made = xmlReaderForIO(
            { context, buffer, length in
                guard let context, let buffer, length > 0 else { return 0 }
                let input = Unmanaged<XMLReaderInput>.fromOpaque(context).takeUnretainedValue()
                return input.fill(UnsafeMutableRawBufferPointer(start: buffer, count: Int(length)))
            },
            { _ in 0 },
            context, documentName, nil, Self.parseOptions)
        guard let reader = made else {
            if let error = input.sourceError { throw error }
            throw XMLReaderError(code: .io, line: 0, column: 0, message: "xmlReaderForIO failed")
        }
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error else { return }
                Unmanaged<XMLReaderInput>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
            }, context)
        if let schema, xmlTextReaderSetSchema(reader, schema.handle) != 0 {
            xmlFreeTextReader(reader)
            throw XMLReaderError(code: .io, line: 0, column: 0, message: "xmlTextReaderSetSchema failed")
        }
        self.reader = reader
        self.input = input
        self.schema = schema
    }

    deinit {
        // Frees the reader (and its schema validation context) before `schema` and `input` are released.
        xmlFreeTextReader(reader)
    }

    /// The current parser line (xmlTextReaderGetParserLineNumber); the parser may be a little ahead of the last event.
    public var line: Int { Int(xmlTextReaderGetParserLineNumber(reader)) }

    /// The next event (xmlTextReaderRead and node accessors), or nil at the end of the document.
    public func next() throws -> XMLEvent? {
        if let failure { throw failure }
        do {
            return try advance()
        } catch {
            failure = error
            throw error
        }
    }

    private func advance() throws -> XMLEvent? {
        if let name = pendingEnd {
            pendingEnd = nil
            return .end(name: name)
        }
        guard !finished else { return nil }
        while true {
            let status = xmlTextReaderRead(reader)
            try throwRecordedError(status: status)
            if status == 0 {
                try throwIfSchemaInvalidAtEnd()
                finished = true
                return nil
            }
            switch UInt32(xmlTextReaderNodeType(reader)) {
            case XML_READER_TYPE_ELEMENT.rawValue:
                return startEvent()
            case XML_READER_TYPE_END_ELEMENT.rawValue:
                return .end(name: LibXML2.string(xmlTextReaderConstName(reader)))
            case XML_READER_TYPE_TEXT.rawValue, XML_READER_TYPE_CDATA.rawValue:
                let text = LibXML2.string(xmlTextReaderConstValue(reader))
                if text.utf8.contains(where: { !Self.isXMLSpace($0) }) { return .text(text) }
            case XML_READER_TYPE_DOCUMENT_TYPE.rawValue:
                throw XMLReaderError(
                    code: .doctypeRefused, line: line,
                    column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                    message: "DOCTYPE declarations are not accepted")
            case XML_READER_TYPE_ENTITY_REFERENCE.rawValue:
                throw XMLReaderError(
                    code: .entityRefused, line: nodeLine(), column: 0,
                    message: "entity references are not accepted")
            default:
                continue  // comments, processing instructions, whitespace, XML declaration
            }
        }
    }

    private func startEvent() -> XMLEvent {
        let name = LibXML2.string(xmlTextReaderConstName(reader))
        let line = nodeLine()
        var attributes: [XMLAttribute] = []
        if xmlTextReaderHasAttributes(reader) == 1 {
            var more = xmlTextReaderMoveToFirstAttribute(reader)
            while more == 1 {
                if xmlTextReaderIsNamespaceDecl(reader) != 1 {
                    attributes.append(
                        XMLAttribute(
                            name: LibXML2.string(xmlTextReaderConstName(reader)),
                            value: LibXML2.string(xmlTextReaderConstValue(reader))))
                }
                more = xmlTextReaderMoveToNextAttribute(reader)
            }
            xmlTextReaderMoveToElement(reader)
        }
        if xmlTextReaderIsEmptyElement(reader) == 1 { pendingEnd = name }
        return .start(name: name, attributes: attributes, line: line)
    }

    /// The line of the current node (xmlGetLineNo). libxml2 stores element lines in 16 bits, so past
    /// line 65534 this falls back to the parser line, which may be a few lines ahead.
    private func nodeLine() -> Int {
        if let node = xmlTextReaderCurrentNode(reader) {
            let line = xmlGetLineNo(node)
            if line > 0 && line < 65535 { return line }
        }
        return line
    }

    private func throwRecordedError(status: Int32) throws {
        if let error = input.sourceError { throw error }
        if let error = input.refusal { throw error }
        if let error = input.firstError { throw error }
        if status < 0 {
            throw XMLReaderError(
                code: .malformed, line: line,
                column: Int(xmlTextReaderGetParserColumnNumber(reader)),
                message: "xmlTextReaderRead failed")
        }
    }

    private func throwIfSchemaInvalidAtEnd() throws {
        guard schema != nil, xmlTextReaderIsValid(reader) == 0 else { return }
        throw XMLReaderError(code: .schemaInvalid, line: line, column: 0, message: "document is not valid")
    }

    private static func isXMLSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }
}

/// The context behind the IO and error callbacks: the source, and what went wrong first.
final class XMLReaderInput {
    let source: any ByteSource
    private var gate = XMLPrologGate()
    private(set) var sourceError: (any Error)?
    private(set) var refusal: XMLReaderError?
    private(set) var firstError: XMLReaderError?

    init(source: any ByteSource) {
        self.source = source
    }

    /// The xmlInputReadCallback body: bytes read, 0 at end, -1 after a source error or refusal.
    func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int32 {
        guard sourceError == nil, refusal == nil else { return -1 }
        do {
            let count = try source.checkedRead(into: buffer)
            if let at = gate.scan(UnsafeRawBufferPointer(rebasing: buffer[..<count])) {
                refusal = XMLReaderError(
                    code: .doctypeRefused, line: at.line, column: at.column,
                    message: "DOCTYPE declarations are not accepted")
                return -1
            }
            return Int32(count)
        } catch {
            sourceError = error
            return -1
        }
    }

    /// The xmlStructuredErrorFunc body: keeps the first error-level diagnostic.
    func record(_ error: xmlError) {
        guard firstError == nil, LibXML2.isErrorLevel(error) else { return }
        let diagnostic = LibXML2.Diagnostic(error)
        let code: XMLReaderError.Code =
            switch diagnostic.domain {
            case Int32(XML_FROM_SCHEMASV.rawValue): .schemaInvalid
            case Int32(XML_FROM_IO.rawValue): .io
            default: .malformed
            }
        firstError = XMLReaderError(
            code: code, line: diagnostic.line, column: diagnostic.column,
            message: diagnostic.message)
    }
}
