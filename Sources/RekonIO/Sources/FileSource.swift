import RekonCore
import RekonNative

#if canImport(Glibc)
    import Glibc
#endif

/// A file read with POSIX `read(2)`, as a ByteSource.
public final class FileSource: ByteSource {
    private let fd: Int32
    public let path: String

    public init(path: String) throws(RekonError) {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RekonError(
                .input, "cannot open the file: \(String(cString: strerror(errno)))", file: path, reason: "unreadable")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw RekonError(
                .input, "cannot read the file: \(String(cString: strerror(errno)))", file: path, reason: "unreadable")
        }
    }
}

/// Replays bytes already read before reading on from the upstream source (for sniffing gzip magic).
final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var offset = 0
    private let upstream: any ByteSource

    init(prefix: [UInt8], upstream: any ByteSource) {
        self.prefix = prefix
        self.upstream = upstream
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { p in
                buffer.baseAddress!.copyMemory(from: p.baseAddress! + offset, byteCount: n)
            }
            offset += n
            return n
        }
        return try upstream.read(into: buffer)
    }
}

/// The bytes of one input: hashed as read (the raw file), un-gzipped when they start with gzip's magic.
public struct DropBytes {
    public let source: any ByteSource
    public let hashing: HashingSource
    public let isGzip: Bool

    public static func open(path: String, maxInflatedBytes: Int64, maxRatio: Int64) throws -> DropBytes {
        let hashing = HashingSource(try FileSource(path: path))
        var head = [UInt8](repeating: 0, count: 2)
        var got = 0
        while got < 2 {
            let n = try head.withUnsafeMutableBytes { b in
                try hashing.read(into: UnsafeMutableRawBufferPointer(rebasing: b[got...]))
            }
            if n == 0 { break }
            got += n
        }
        head.removeLast(2 - got)
        let prefixed = PrefixedSource(prefix: head, upstream: hashing)
        if head == [0x1F, 0x8B] {
            let gz = try GzipSource(prefixed, maxOutputBytes: maxInflatedBytes, maxRatio: maxRatio)
            return DropBytes(source: gz, hashing: hashing, isGzip: true)
        }
        return DropBytes(source: prefixed, hashing: hashing, isGzip: false)
    }
}
