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
