/// Keeps personal data out of messages that quote the document (libxml2's validity errors quote values).
enum LogText {
    /// Quoted text is kept only where it names an element or an attribute; other quotes become '…'.
    static func withoutValues(_ s: String) -> String {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            guard u[i] == UInt8(ascii: "'"), let close = u[(i + 1)...].firstIndex(of: UInt8(ascii: "'")) else {
                out.append(u[i])
                i += 1
                continue
            }
            let before = String(decoding: out.suffix(10), as: UTF8.self).lowercased()
            if before.hasSuffix("element ") || before.hasSuffix("attribute ") {
                out.append(contentsOf: u[i...close])
            } else {
                out.append(contentsOf: Array("'…'".utf8))
            }
            i = close + 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
