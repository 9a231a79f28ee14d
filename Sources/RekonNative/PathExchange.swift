internal import CRekonPosix

#if canImport(Glibc)
    internal import Glibc
#endif

/// A failed system call: its errno and the name of the call.
public struct NativeIOError: Error, Equatable, CustomStringConvertible {
    public let errno: Int32
    public let operation: String

    public init(errno: Int32, operation: String) {
        self.errno = errno
        self.operation = operation
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Atomically swaps two paths (renameat2 RENAME_EXCHANGE); both must exist. Throws NativeIOError(errno).
public func exchangePaths(_ a: String, _ b: String) throws {
    guard renameat2(AT_FDCWD, a, AT_FDCWD, b, CREKON_RENAME_EXCHANGE) == 0 else {
        throw NativeIOError(errno: Glibc.errno, operation: "renameat2")
    }
}
