internal import CRekonCrypto

/// Streaming SHA-256 (EVP_DigestInit_ex/Update/Final_ex).
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finalized = false

    /// Starts a digest (EVP_MD_CTX_new + EVP_DigestInit_ex with EVP_sha256).
    public init() {
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        guard EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(context)
            fatalError("EVP_DigestInit_ex failed for SHA-256")
        }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes into the digest (EVP_DigestUpdate).
    public func update(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finalized, "SHA256Hasher used after finalize()")
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        guard EVP_DigestUpdate(context, base, bytes.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    /// Feeds bytes into the digest (EVP_DigestUpdate).
    public func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Returns the 32-byte digest (EVP_DigestFinal_ex); the hasher is unusable afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finalized, "SHA256Hasher.finalize() called twice")
        finalized = true
        return Self.finish(context)
    }

    /// The digest of everything fed so far, leaving the hasher usable (EVP_MD_CTX_copy_ex + EVP_DigestFinal_ex).
    func snapshot() -> [UInt8] {
        precondition(!finalized, "SHA256Hasher used after finalize()")
        guard let copy = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        defer { EVP_MD_CTX_free(copy) }
        guard EVP_MD_CTX_copy_ex(copy, context) == 1 else { fatalError("EVP_MD_CTX_copy_ex failed") }
        return Self.finish(copy)
    }

    private static func finish(_ context: OpaquePointer) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        guard ok == 1, length == 32 else { fatalError("EVP_DigestFinal_ex failed") }
        return Array(digest.prefix(32))
    }

    /// Lowercase hex SHA-256 of `bytes` (EVP_Digest* one shot).
    public static func hex(_ bytes: [UInt8]) -> String {
        let hasher = SHA256Hasher()
        hasher.update(bytes)
        return hexString(hasher.finalize())
    }

    /// Lowercase hex SHA-256 of the UTF-8 of `string` (EVP_Digest* one shot).
    public static func hex(_ string: String) -> String {
        hex(Array(string.utf8))
    }
}

/// Lowercase hex encoding of any digest.
public func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// A ByteSource wrapper that hashes everything read through it (the raw file bytes), so inputs are hashed in the same pass.
public final class HashingSource: ByteSource {
    private let upstream: any ByteSource
    private let hasher = SHA256Hasher()
    /// Total bytes passed through so far.
    public private(set) var bytesRead: Int64 = 0

    /// Wraps `upstream`; hashing uses EVP_DigestUpdate on each chunk.
    public init(_ upstream: any ByteSource) {
        self.upstream = upstream
    }

    /// Reads from upstream and hashes the bytes read (EVP_DigestUpdate).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let count = try upstream.checkedRead(into: buffer)
        if count > 0 {
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            bytesRead += Int64(count)
        }
        return count
    }

    /// Lowercase hex SHA-256 of the bytes read so far (EVP_MD_CTX_copy_ex + EVP_DigestFinal_ex); call after EOF.
    ///
    /// Finalizes a copy of the digest state, so calling it early is harmless and reading may continue.
    public func digestHex() -> String {
        hexString(hasher.snapshot())
    }
}
