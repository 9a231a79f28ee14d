internal import CRekonZlib

/// Why a gzip encoder failed.
public enum GzipEncoderError: Error, Equatable, CustomStringConvertible {
    /// The compression level is outside -1...9.
    case invalidLevel(Int32)
    /// zlib could not allocate memory (Z_MEM_ERROR).
    case memory
    /// The encoder was already finished, or an earlier write or finish failed.
    case closed
    /// Any other zlib failure code.
    case stream(code: Int32)

    public var description: String {
        switch self {
        case .invalidLevel(let level): "gzip level \(level) is outside -1...9"
        case .memory: "zlib is out of memory"
        case .closed: "gzip encoder is finished or failed earlier"
        case .stream(let code): "gzip encoding failed (zlib code \(code))"
        }
    }
}

/// Streaming gzip encoder (deflate, gzip wrapper), for writing .gz files. Pushes compressed bytes to a sink closure.
///
/// The sink receives a view of the encoder's own output buffer, valid only during the call.
/// Errors thrown by the sink propagate unchanged and leave the encoder closed.
public final class GzipEncoder {
    static let outputCapacity = 256 * 1024

    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private let sink: (UnsafeRawBufferPointer) throws -> Void
    private var closed = false

    /// Starts a gzip stream (deflateInit2 with windowBits 15+16, memLevel 8, Z_DEFAULT_STRATEGY).
    public init(level: Int32 = 6, sink: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        guard (-1...9).contains(level) else { throw GzipEncoderError.invalidLevel(level) }
        self.sink = sink
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = crekon_deflateInit2(stream, level, 15 + 16, 8, Z_DEFAULT_STRATEGY)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw rc == Z_MEM_ERROR ? GzipEncoderError.memory : GzipEncoderError.stream(code: rc)
        }
        output = .allocate(byteCount: Self.outputCapacity, alignment: 16)
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        output.deallocate()
    }

    /// Compresses `bytes` (deflate with Z_NO_FLUSH), pushing any full output to the sink.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !closed else { throw GzipEncoderError.closed }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, Int(UInt32.max))
            try run(flush: Z_NO_FLUSH, input: base + offset, count: chunk)
            offset += chunk
        }
    }

    /// Compresses `bytes` (deflate with Z_NO_FLUSH), pushing any full output to the sink.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Flushes with Z_FINISH and writes the trailer (deflate until Z_STREAM_END); the encoder is closed afterwards.
    public func finish() throws {
        guard !closed else { throw GzipEncoderError.closed }
        try run(flush: Z_FINISH, input: nil, count: 0)
        closed = true
    }

    private func run(flush: Int32, input: UnsafeRawPointer?, count: Int) throws {
        // Close first; reopen only on success, so a failure (zlib's or the sink's) leaves the encoder closed.
        closed = true
        stream.pointee.next_in = input.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
        stream.pointee.avail_in = uInt(count)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.avail_in = 0
        }
        while true {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let rc = deflate(stream, flush)
            let pending = output.count - Int(stream.pointee.avail_out)
            switch rc {
            case Z_OK, Z_STREAM_END, Z_BUF_ERROR: break
            case Z_MEM_ERROR: throw GzipEncoderError.memory
            default: throw GzipEncoderError.stream(code: rc)
            }
            if pending > 0 {
                try sink(UnsafeRawBufferPointer(rebasing: output[..<pending]))
            }
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { break }
            } else if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 {
                break
            }
        }
        closed = false
    }
}
