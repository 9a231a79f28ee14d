/// File path text operations, done on bytes (Foundation's NSString path methods crash on some short
/// paths on Linux).
public enum PathName {
    /// The last component: `a/b/c.csv` → `c.csv`.
    public static func base(_ p: String) -> String {
        var u = Array(p.utf8)
        while u.count > 1 && u.last == 47 { u.removeLast() }
        guard let slash = u.lastIndex(of: 47) else { return String(decoding: u, as: UTF8.self) }
        return String(decoding: u[(slash + 1)...], as: UTF8.self)
    }

    /// The folder part: `a/b/c.csv` → `a/b`, `c.csv` → `` (empty: the working folder), `/c` → `/`.
    public static func parent(_ p: String) -> String {
        var u = Array(p.utf8)
        while u.count > 1 && u.last == 47 { u.removeLast() }
        guard let slash = u.lastIndex(of: 47) else { return "" }
        if slash == 0 { return "/" }
        return String(decoding: u[..<slash], as: UTF8.self)
    }

    public static func join(_ a: String, _ b: String) -> String {
        if a.isEmpty { return b }
        if b.hasPrefix("/") { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }
}
