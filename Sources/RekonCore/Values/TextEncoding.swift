/// The text encodings a drop may use, decoded exactly: a byte with no character is an error, never replaced.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"
    case iso88591 = "iso-8859-1"

    /// Windows-1252's 0x80...0x9F; 0 marks the five undefined bytes.
    static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E,
        0x0178,
    ]

    /// Decodes bytes to a String; nil when a byte sequence has no character in this encoding.
    public func decode(_ p: UnsafeRawBufferPointer) -> String? {
        var ascii = true
        for b in p where b >= 0x80 {
            ascii = false
            break
        }
        if ascii { return String(decoding: p, as: UTF8.self) }
        switch self {
        case .utf8:
            return String(validating: p.bindMemory(to: UInt8.self), as: UTF8.self)
        case .iso88591, .windows1252:
            var out: [UInt8] = []
            out.reserveCapacity(p.count * 2)
            for b in p {
                var scalar = UInt32(b)
                if self == .windows1252 && b >= 0x80 && b <= 0x9F {
                    scalar = TextEncoding.cp1252High[Int(b - 0x80)]
                    if scalar == 0 { return nil }
                }
                UTF8.encode(Unicode.Scalar(scalar)!) { out.append($0) }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
