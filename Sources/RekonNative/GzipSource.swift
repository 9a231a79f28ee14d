internal import CRekonZlib

/// Why a gzip stream could not be decoded.
public enum GzipError: Error, Equatable, CustomStringConvertible {
    /// Input ended inside a member (no end-of-stream), or the input was empty.
    case truncated
    /// zlib rejected the data (Z_DATA_ERROR etc.), including a bad CRC or length trailer and trailing garbage.
    case corrupt(code: Int32)
    /// Inflated output would exceed maxOutputBytes.
    case tooLarge(limit: Int64)
    /// Inflated/compressed ratio over maxRatio (checked only once output exceeds 1 MiB).
    case ratioExceeded(limit: Int64)
    /// zlib could not allocate memory (Z_MEM_ERROR).
    case memory

    public var description: String {
        switch self {
        case .truncated: "gzip input ends before the end of the stream"
        case .corrupt(let code): "gzip data is corrupt (zlib code \(code))"
        case .tooLarge(let limit): "gzip output exceeds the limit of \(limit) bytes"
        case .ratioExceeded(let limit): "gzip compression ratio exceeds the limit of \(limit)"
        case .memory: "zlib is out of memory"
        }
    }
}

/// Streaming gzip decoder (inflate, windowBits 15+16: gzip only), as a ByteSource.
///
/// Concatenated members are decoded as one stream: after Z_STREAM_END, if more input remains or
/// arrives, the stream is reset (inflateReset) and decoding continues. Anything after a member that is
/// not another gzip member, including zero padding, is reported as `.corrupt` (strict by choice).
/// Errors from this decoder are sticky; upstream read errors propagate unchanged and are not.
public final class GzipSource: ByteSource {
    /// Output must exceed this many bytes before the ratio limit applies.
    static let ratioFloor: Int64 = 1 << 20
    static let inputCapacity = 256 * 1024

    private let upstream: any ByteSource
    private let maxOutputBytes: Int64
    private let maxRatio: Int64
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawBufferPointer
    private var upstreamEnded = false
    private var memberEnded = false
    private var finished = false
    private var failure: GzipError?
    private var consumed: Int64 = 0
    private var produced: Int64 = 0

    /// Opens a gzip decoder over `upstream` (inflateInit2 with windowBits 15+16).
    public init(_ upstream: any ByteSource, maxOutputBytes: Int64, maxRatio: Int64) throws {
        precondition(maxOutputBytes >= 0 && maxRatio > 0, "GzipSource limits must be positive")
        self.upstream = upstream
        self.maxOutputBytes = maxOutputBytes
        self.maxRatio = maxRatio
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let rc = crekon_inflateInit2(stream, 15 + 16)
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw rc == Z_MEM_ERROR ? GzipError.memory : GzipError.corrupt(code: rc)
        }
        input = .allocate(byteCount: Self.inputCapacity, alignment: 16)
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
        input.deallocate()
    }

    /// Inflates into `buffer` (inflate with Z_NO_FLUSH); returns 0 after the last member's end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let failure { throw failure }
        guard !finished, let out = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        do {
            return try inflate(into: out, count: min(buffer.count, Int(UInt32.max)))
        } catch let error as GzipError {
            failure = error
            throw error
        }
    }

    private func inflate(into out: UnsafeMutableRawPointer, count: Int) throws -> Int {
        while true {
            if stream.pointee.avail_in == 0 && !upstreamEnded {
                try refill()
            }
            if stream.pointee.avail_in == 0 && upstreamEnded {
                guard memberEnded else { throw GzipError.truncated }
                finished = true
                return 0
            }
            if memberEnded {
                // More input after a complete member: the next member starts here.
                inflateReset(stream)
                memberEnded = false
            }

            let availableIn = stream.pointee.avail_in
            stream.pointee.next_out = out.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(count)
            let rc = CRekonZlib.inflate(stream, Z_NO_FLUSH)
            let written = count - Int(stream.pointee.avail_out)
            stream.pointee.next_out = nil
            stream.pointee.avail_out = 0
            consumed += Int64(availableIn - stream.pointee.avail_in)
            produced += Int64(written)

            switch rc {
            case Z_OK, Z_BUF_ERROR: break  // Z_BUF_ERROR: no progress possible until more input arrives
            case Z_STREAM_END: memberEnded = true
            case Z_MEM_ERROR: throw GzipError.memory
            default: throw GzipError.corrupt(code: rc)
            }
            try checkLimits()
            if written > 0 { return written }
        }
    }

    private func refill() throws {
        let count = try upstream.checkedRead(into: input)
        if count == 0 {
            upstreamEnded = true
        }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(count)
    }

    private func checkLimits() throws {
        if produced > maxOutputBytes { throw GzipError.tooLarge(limit: maxOutputBytes) }
        guard produced > Self.ratioFloor else { return }
        let (allowed, overflow) = max(consumed, 1).multipliedReportingOverflow(by: maxRatio)
        if !overflow && produced > allowed { throw GzipError.ratioExceeded(limit: maxRatio) }
    }
}
