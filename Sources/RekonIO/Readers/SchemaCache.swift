import Foundation
import RekonCore
import RekonNative

/// XSDs compiled once per run and shared across files.
public final class SchemaCache: @unchecked Sendable {
    private let lock = NSLock()
    private var compiled: [String: XMLSchema] = [:]

    public init() {}

    public func schema(at path: String) throws(RekonError) -> XMLSchema {
        lock.lock()
        defer { lock.unlock() }
        if let s = compiled[path] { return s }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RekonError(.usage, "cannot read the XSD", file: path, reason: "xsd")
        }
        do {
            let s = try XMLSchema(xsd: [UInt8](data), name: PathName.base(path))
            compiled[path] = s
            return s
        } catch {
            throw RekonError(.usage, "the XSD does not compile: \(error)", file: path, reason: "xsd")
        }
    }
}
