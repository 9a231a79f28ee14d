import RekonNative
import Testing

@Suite struct SHA256HasherTests {
    @Test func emptyInputMatchesKnownVector() {
        #expect(SHA256Hasher.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abcMatchesKnownVector() {
        #expect(SHA256Hasher.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalUpdatesEqualOneShotDigest() {
        let text = sampleText(byteCount: 100_003)
        let hasher = SHA256Hasher()
        var offset = 0
        for step in [1, 63, 64, 65, 4096, 1] where offset < text.count {
            let end = min(text.count, offset + step)
            text[offset..<end].withUnsafeBytes { hasher.update($0) }
            offset = end
        }
        hasher.update(Array(text[offset...]))
        let digest = hasher.finalize()
        #expect(digest.count == 32)
        #expect(hexString(digest) == SHA256Hasher.hex(text))
    }

    @Test func hexStringIsLowercaseAndPadded() {
        #expect(hexString([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(hexString([]) == "")
    }

    @Test func hashingSourceDigestEqualsOneShotHashOfBytesRead() throws {
        let bytes = sampleText(byteCount: 1_000_001)
        let source = HashingSource(ChunkedSource(bytes, chunk: 7_777))
        let passed = try readAll(source, chunk: 4_099)
        #expect(passed == bytes)
        #expect(source.bytesRead == Int64(bytes.count))
        #expect(source.digestHex() == SHA256Hasher.hex(bytes))
    }

    @Test func hashingSourceUnderGzipHashesTheCompressedFileBytes() throws {
        let plain = sampleText(byteCount: 200_000)
        let file = try gzip(plain)
        let hashing = HashingSource(ChunkedSource(file))
        let decoded = try readAll(try GzipSource(hashing, maxOutputBytes: 1 << 30, maxRatio: 1_000))
        #expect(decoded == plain)
        #expect(hashing.digestHex() == SHA256Hasher.hex(file))
        #expect(hashing.bytesRead == Int64(file.count))
    }
}
