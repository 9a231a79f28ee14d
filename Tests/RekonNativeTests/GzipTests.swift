import RekonNative
import Testing

@Suite struct GzipTests {
    private let generous: Int64 = 1 << 30

    @Test func roundtripOfMultiMegabyteInputReadInOddSizedChunks() throws {
        let plain = sampleText(byteCount: 5_000_011)
        var compressed: [UInt8] = []
        let encoder = try GzipEncoder(level: 6) { compressed.append(contentsOf: $0) }
        var offset = 0
        while offset < plain.count {  // odd-sized writes too
            let end = min(plain.count, offset + 12_345)
            try plain[offset..<end].withUnsafeBytes { try encoder.write($0) }
            offset = end
        }
        try encoder.finish()
        #expect(compressed.count < plain.count / 2)
        #expect(Array(compressed.prefix(2)) == [0x1f, 0x8b])

        let upstream = ChunkedSource(compressed, chunk: 9_973)
        let decoded = try readAll(try GzipSource(upstream, maxOutputBytes: generous, maxRatio: 1_000), chunk: 3_001)
        #expect(decoded.count == plain.count)
        #expect(decoded == plain)
    }

    @Test func twoConcatenatedMembersReadAsOneStream() throws {
        let file = try gzip(Array("hello, ".utf8)) + gzip(Array("world".utf8))
        let decoded = try readAll(try GzipSource(ChunkedSource(file, chunk: 5), maxOutputBytes: 1_000, maxRatio: 100))
        #expect(String(decoding: decoded, as: UTF8.self) == "hello, world")
    }

    @Test func readReturnsZeroRepeatedlyAfterTheEnd() throws {
        let source = try GzipSource(ChunkedSource(try gzip([1, 2, 3])), maxOutputBytes: 10, maxRatio: 100)
        #expect(try readAll(source) == [1, 2, 3])
        #expect(try readAll(source) == [])
    }

    @Test func truncatedInputThrowsTruncated() throws {
        let file = try gzip(sampleText(byteCount: 300_000))
        for cut in [1, 10, file.count / 2, file.count - 4, file.count - 1] {
            let error = gzipError {
                _ = try readAll(
                    try GzipSource(ChunkedSource(Array(file.prefix(cut))), maxOutputBytes: generous, maxRatio: 1_000))
            }
            #expect(error == .truncated, "cut at \(cut)")
        }
    }

    @Test func emptyInputThrowsTruncated() {
        let error = gzipError { _ = try readAll(try GzipSource(ChunkedSource([]), maxOutputBytes: 10, maxRatio: 10)) }
        #expect(error == .truncated)
    }

    @Test func flippedByteInTheCRCTrailerThrowsCorrupt() throws {
        var file = try gzip(sampleText(byteCount: 100_000))
        file[file.count - 8] ^= 0xff  // first byte of the CRC-32
        let error = gzipError {
            _ = try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: generous, maxRatio: 1_000))
        }
        guard case .corrupt = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
    }

    @Test func flippedByteInTheLengthTrailerThrowsCorrupt() throws {
        var file = try gzip(sampleText(byteCount: 100_000))
        file[file.count - 1] ^= 0x01  // high byte of ISIZE
        let error = gzipError {
            _ = try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: generous, maxRatio: 1_000))
        }
        guard case .corrupt = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
    }

    @Test func flippedByteInTheDeflateDataThrowsAGzipError() throws {
        var file = try gzip(sampleText(byteCount: 500_000))
        file[file.count / 2] ^= 0x5a
        let error = gzipError {
            _ = try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: generous, maxRatio: 1_000))
        }
        #expect(error != nil)
    }

    @Test func trailingZeroPaddingAfterAMemberIsCorrupt() throws {
        let file = try gzip(Array("payload".utf8)) + [UInt8](repeating: 0, count: 512)
        let error = gzipError {
            _ = try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: 1_000, maxRatio: 100))
        }
        guard case .corrupt = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
    }

    @Test func rawDeflateWithoutGzipHeaderIsCorrupt() throws {
        // zlib-wrapped data (0x78 0x9c ...) is not a gzip member.
        let error = gzipError {
            _ = try readAll(
                try GzipSource(
                    ChunkedSource([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]), maxOutputBytes: 100, maxRatio: 100)
            )
        }
        guard case .corrupt = error else {
            Issue.record("expected .corrupt, got \(String(describing: error))")
            return
        }
    }

    @Test func outputOverMaxOutputBytesThrowsTooLarge() throws {
        let file = try gzip(sampleText(byteCount: 2_000_000))
        let error = gzipError {
            _ = try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: 1_000_000, maxRatio: 1_000))
        }
        #expect(error == .tooLarge(limit: 1_000_000))
    }

    @Test func outputOfExactlyMaxOutputBytesIsAccepted() throws {
        let plain = sampleText(byteCount: 65_536)
        let decoded = try readAll(
            try GzipSource(ChunkedSource(try gzip(plain)), maxOutputBytes: 65_536, maxRatio: 1_000))
        #expect(decoded == plain)
    }

    @Test func fiftyMegabytesOfZerosWithMaxRatio100ThrowsRatioExceeded() throws {
        var file: [UInt8] = []
        let encoder = try GzipEncoder(level: 9) { file.append(contentsOf: $0) }
        let megabyte = [UInt8](repeating: 0, count: 1 << 20)
        for _ in 0..<50 { try encoder.write(megabyte) }
        try encoder.finish()
        #expect(file.count < 100_000)

        let source = try GzipSource(ChunkedSource(file), maxOutputBytes: 1 << 40, maxRatio: 100)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var total = 0
        let error = gzipError {
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                total += count
            }
        }
        #expect(error == .ratioExceeded(limit: 100))
        #expect(total <= 2 << 20)  // stopped soon after the 1 MiB floor, not at 50 MB
    }

    @Test func smallHighlyCompressibleFileIsUnderTheRatioFloor() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)  // ratio ~1000:1, but output never exceeds 1 MiB
        let decoded = try readAll(
            try GzipSource(ChunkedSource(try gzip(zeros)), maxOutputBytes: generous, maxRatio: 100))
        #expect(decoded == zeros)
    }

    @Test func upstreamReadErrorPropagatesUnchanged() throws {
        let file = try gzip(sampleText(byteCount: 100_000))
        let source = try GzipSource(
            FailingSource(prefix: Array(file.prefix(100)), error: SourceFailure(id: 7)),
            maxOutputBytes: generous, maxRatio: 1_000)
        #expect(throws: SourceFailure(id: 7)) { _ = try readAll(source) }
    }

    @Test func decodingErrorsAreSticky() throws {
        let source = try GzipSource(
            ChunkedSource(Array(try gzip([1, 2, 3]).prefix(12))), maxOutputBytes: 10, maxRatio: 10)
        #expect(gzipError { _ = try readAll(source) } == .truncated)
        #expect(gzipError { _ = try readAll(source) } == .truncated)
    }

    @Test func encoderRejectsWritesAfterFinishAndBadLevels() throws {
        let encoder = try GzipEncoder { _ in }
        try encoder.finish()
        #expect(throws: GzipEncoderError.closed) { try encoder.write([1]) }
        #expect(throws: GzipEncoderError.closed) { try encoder.finish() }
        #expect(throws: GzipEncoderError.invalidLevel(10)) { _ = try GzipEncoder(level: 10) { _ in } }
    }

    @Test func sinkErrorPropagatesAndClosesTheEncoder() throws {
        let encoder = try GzipEncoder { _ in throw SourceFailure(id: 3) }
        #expect(throws: SourceFailure(id: 3)) {
            try encoder.write(sampleText(byteCount: 1_000_000))
            try encoder.finish()
        }
        #expect(throws: GzipEncoderError.closed) { try encoder.write([1]) }
    }

    @Test func emptyInputEncodesToAValidEmptyMember() throws {
        let file = try gzip([])
        #expect(try readAll(try GzipSource(ChunkedSource(file), maxOutputBytes: 0, maxRatio: 1)) == [])
    }
}
