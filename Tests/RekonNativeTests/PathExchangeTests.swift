import Foundation
import RekonNative
import Testing

@Suite struct PathExchangeTests {
    private func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("rekon-native-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func exchangePathsSwapsTwoDirectories() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let a = root.appendingPathComponent("a")
        let b = root.appendingPathComponent("b")
        try FileManager.default.createDirectory(at: a, withIntermediateDirectories: false)
        try FileManager.default.createDirectory(at: b, withIntermediateDirectories: false)
        try Data("from a".utf8).write(to: a.appendingPathComponent("a.txt"))
        try Data("from b".utf8).write(to: b.appendingPathComponent("b.txt"))

        try exchangePaths(a.path, b.path)

        #expect(try FileManager.default.contentsOfDirectory(atPath: a.path) == ["b.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: b.path) == ["a.txt"])
        #expect(try String(contentsOf: a.appendingPathComponent("b.txt"), encoding: .utf8) == "from b")
    }

    @Test func exchangePathsWithAMissingPathThrowsENOENT() throws {
        let root = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let present = root.appendingPathComponent("present")
        try FileManager.default.createDirectory(at: present, withIntermediateDirectories: false)

        #expect(throws: NativeIOError(errno: ENOENT, operation: "renameat2")) {
            try exchangePaths(present.path, root.appendingPathComponent("missing").path)
        }
        #expect(FileManager.default.fileExists(atPath: present.path))
    }
}
