import RekonCore
import RekonNative

/// Where the records of one profile sit in an XML document, and which relative paths fill which slots.
public struct XMLRoute: Sendable {
    /// The absolute path of the repeating element, e.g. `/Drop/Policies/Policy`.
    public var recordPath: String
    /// Relative path (`Nasabah/NIK`, `@no`, `Nasabah/@id`) → slot.
    public var slots: [String: Int]
    public var slotCount: Int

    public init(recordPath: String, paths: [String]) {
        self.recordPath = recordPath
        var s: [String: Int] = [:]
        for p in paths where s[p] == nil { s[p] = s.count }
        slots = s
        slotCount = s.count
    }
}

/// Streams an XML document once and hands out the records of every route, each as its slot texts and
/// the line of its start tag. libxml2 does the parsing and the schema validation.
public final class XMLRecordReader {
    private let reader: XMLStreamReader

    public init(source: any ByteSource, documentName: String, schema: XMLSchema?) throws {
        reader = try XMLStreamReader(source: source, documentName: documentName, schema: schema)
    }

    public func forEach(routes: [XMLRoute], _ body: (_ route: Int, _ slots: [String?], _ line: Int) throws -> Void)
        throws
    {
        var routeOf: [String: Int] = [:]
        for (i, r) in routes.enumerated() { routeOf[r.recordPath] = i }
        var absolute: [String] = [""]
        // Inside a record: its route, its depth in `absolute`, the relative path stack, the slot texts.
        var active = -1
        var recordDepth = 0
        var relative: [String] = []
        var slots: [String?] = []
        var recordLine = 0
        while let event = try reader.next() {
            switch event {
            case .start(let name, let attributes, let line):
                let path = absolute[absolute.count - 1] + "/" + name
                absolute.append(path)
                if active < 0 {
                    guard let r = routeOf[path] else { continue }
                    active = r
                    recordDepth = absolute.count
                    relative = [""]
                    slots = Array(repeating: nil, count: routes[r].slotCount)
                    recordLine = line
                } else {
                    let parent = relative[relative.count - 1]
                    relative.append(parent.isEmpty ? name : parent + "/" + name)
                }
                let rel = relative[relative.count - 1]
                for a in attributes {
                    let key = rel.isEmpty ? "@" + a.name : rel + "/@" + a.name
                    if let s = routes[active].slots[key] { slots[s] = a.value }
                }
            case .end:
                if active >= 0 {
                    if absolute.count == recordDepth {
                        try body(active, slots, recordLine)
                        active = -1
                    } else {
                        relative.removeLast()
                    }
                }
                absolute.removeLast()
            case .text(let t):
                guard active >= 0, let s = routes[active].slots[relative[relative.count - 1]] else { continue }
                slots[s] = (slots[s] ?? "") + t
            }
        }
    }
}
