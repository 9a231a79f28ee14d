import RekonNative

/// Serves bytes from memory, at most `chunk` bytes per read, to exercise buffer boundaries.
final class ChunkedSource: ByteSource {
    private let bytes: [UInt8]
    private let chunk: Int
    private var offset = 0
    private(set) var reads = 0

    init(_ bytes: [UInt8], chunk: Int = .max) {
        self.bytes = bytes
        self.chunk = chunk
    }

    convenience init(_ text: String, chunk: Int = .max) {
        self.init(Array(text.utf8), chunk: chunk)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        reads += 1
        let count = min(buffer.count, chunk, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}

struct SourceFailure: Error, Equatable {
    let id: Int
}

/// Serves a prefix, then throws.
final class FailingSource: ByteSource {
    private let prefix: ChunkedSource
    private let error: SourceFailure

    init(prefix: [UInt8], error: SourceFailure) {
        self.prefix = ChunkedSource(prefix)
        self.error = error
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try prefix.read(into: buffer)
        if count == 0 { throw error }
        return count
    }
}

/// Produces bytes on demand from a generator of chunks, so huge inputs never sit in memory.
final class GeneratedSource: ByteSource {
    private let produce: () -> [UInt8]?
    private var pending: [UInt8] = []
    private var offset = 0

    init(_ produce: @escaping () -> [UInt8]?) { self.produce = produce }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset == pending.count {
            guard let next = produce() else { return 0 }
            pending = next
            offset = 0
        }
        let count = min(buffer.count, pending.count - offset)
        pending.withUnsafeBytes { all in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}

/// Reads a source to its end in buffers of `chunk` bytes.
func readAll(_ source: any ByteSource, chunk: Int = 64 * 1024) throws -> [UInt8] {
    var out: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: chunk)
    while true {
        let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
        if count == 0 { return out }
        out.append(contentsOf: buffer[..<count])
    }
}

/// Deterministic, moderately compressible text: words from a small vocabulary chosen by an LCG.
func sampleText(byteCount: Int, seed: UInt64 = 42) -> [UInt8] {
    let words = ["ledger", "amount", "0.00", "EUR", "settled", "batch", "42", "ref-", "\n", "; ", "x9", "Q"]
        .map { Array($0.utf8) }
    var state = seed
    var out: [UInt8] = []
    out.reserveCapacity(byteCount + 16)
    while out.count < byteCount {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        out.append(contentsOf: words[Int(state >> 59) % words.count])
        out.append(UInt8(truncatingIfNeeded: state >> 33) & 0x3f | 0x40)
    }
    return Array(out.prefix(byteCount))
}

/// gzip-compresses bytes with GzipEncoder into memory.
func gzip(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    var out: [UInt8] = []
    let encoder = try GzipEncoder(level: level) { out.append(contentsOf: $0) }
    try encoder.write(bytes)
    try encoder.finish()
    return out
}

/// Runs `body` and returns the GzipError it throws, or nil.
func gzipError(_ body: () throws -> Void) -> GzipError? {
    do {
        try body()
        return nil
    } catch let error as GzipError {
        return error
    } catch {
        return nil
    }
}

/// Runs `body` and returns the XMLReaderError it throws, or nil.
func xmlError(_ body: () throws -> Void) -> XMLReaderError? {
    do {
        try body()
        return nil
    } catch let error as XMLReaderError {
        return error
    } catch {
        return nil
    }
}
