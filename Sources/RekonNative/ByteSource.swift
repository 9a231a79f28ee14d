/// A pull source of bytes. read returns 0 at end of input.
///
/// `read` fills a prefix of `buffer` and returns how many bytes it wrote (at most `buffer.count`);
/// it returns 0 only at end of input (callers never pass an empty buffer).
public protocol ByteSource: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 at end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension ByteSource {
    /// Calls `read(into:)` and checks that the source kept to the protocol's contract.
    @inline(__always)
    func checkedRead(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try read(into: buffer)
        precondition(count >= 0 && count <= buffer.count, "ByteSource.read returned a count outside the buffer")
        return count
    }
}

/// An in-memory ByteSource over a byte array.
final class BytesSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { all in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: all[offset..<(offset + count)]))
        }
        offset += count
        return count
    }
}
