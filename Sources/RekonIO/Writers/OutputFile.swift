import RekonCore
import RekonNative

#if canImport(Glibc)
    import Glibc
#endif

/// A file being written: buffered, hashed as written, fsynced on close. Every failure is exit 4.
public final class OutputFile {
    public let path: String
    /// The path relative to the output folder, as the manifest lists it.
    public let name: String
    private var fd: Int32
    private var pending: [UInt8] = []
    private let hasher = SHA256Hasher()
    public private(set) var size: Int64 = 0

    public init(directory: String, name: String) throws(RekonError) {
        self.name = name
        self.path = directory + "/" + name
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw OutputFile.failure("cannot create", path) }
        pending.reserveCapacity(1 << 20)
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    static func failure(_ what: String, _ path: String) -> RekonError {
        RekonError(
            .output, "\(what) the output file: \(String(cString: strerror(errno)))", file: path, reason: "write_failed")
    }

    public func write(_ bytes: [UInt8]) throws(RekonError) {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { try flush() }
    }

    public func write(_ s: String) throws(RekonError) { try write(Array(s.utf8)) }

    /// Moves a line buffer's bytes out, keeping its capacity.
    public func take(_ line: inout CSVLine) throws(RekonError) {
        try write(line.bytes)
        line.bytes.removeAll(keepingCapacity: true)
    }

    private func flush() throws(RekonError) {
        var off = 0
        let total = pending.count
        let hasher = self.hasher
        var failed = false
        pending.withUnsafeBytes { p in
            hasher.update(p)
            while off < total {
                let n = Glibc.write(fd, p.baseAddress! + off, total - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                off += n
            }
        }
        if failed { throw OutputFile.failure("cannot write", path) }
        size += Int64(total)
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes, fsyncs and closes; returns the SHA-256 of the contents.
    public func close() throws(RekonError) -> String {
        try flush()
        if fsync(fd) != 0 { throw OutputFile.failure("cannot sync", path) }
        if Glibc.close(fd) != 0 {
            fd = -1
            throw OutputFile.failure("cannot close", path)
        }
        fd = -1
        return hexString(hasher.finalize())
    }
}
