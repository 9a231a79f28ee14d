// CRekonXML2/shim.h keeps ICU's headers out of the module, so Foundation clients load it cleanly.
internal import CRekonXML2

/// Process-wide libxml2 setup, run once before any parser is made.
enum LibXML2 {
    private static let setUp: Void = {
        xmlInitParser()
        // Defence in depth: no entity, DTD or schema document is ever fetched from disk or network.
        xmlSetExternalEntityLoader { _, _, _ in nil }
    }()

    /// Runs xmlInitParser and installs the refusing xmlSetExternalEntityLoader, once per process.
    static func ensureSetUp() { _ = setUp }

    /// The parts of an xmlError kept after the callback returns, with its message trimmed.
    struct Diagnostic {
        var domain: Int32
        var code: Int32
        var line: Int
        var column: Int
        var message: String

        init(_ error: xmlError) {
            domain = error.domain
            code = error.code
            line = Int(error.line)
            column = Int(error.int2)
            message = error.message.map { String(cString: $0) }.map(trimmed) ?? ""
        }
    }

    static func isErrorLevel(_ error: xmlError) -> Bool {
        error.level.rawValue >= XML_ERR_ERROR.rawValue
    }

    static func string(_ characters: UnsafePointer<xmlChar>?) -> String {
        characters.map { String(cString: $0) } ?? ""
    }

    static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
