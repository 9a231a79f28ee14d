import Foundation
import RekonCore
import RekonNative

#if canImport(Glibc)
    import Glibc
#endif

/// A temporary folder beside `--out` that becomes `--out` in one step once every file is written and
/// synced. A run that fails before `publish()` removes it and leaves `--out` as it was. While it lives it
/// holds an exclusive lock (`.<out>.rekon-lock` beside `--out`), so two runs never write one folder.
public final class OutputStage: @unchecked Sendable {
    public let final: String
    public let directory: String
    private var lockFD: Int32 = -1
    /// Whether this stage made `directory` (and so may remove it).
    private var created = false
    /// Written files: name relative to the folder → SHA-256.
    public private(set) var written: [(name: String, sha256: String, bytes: Int64)] = []
    private var published = false
    private let lock = NSLock()

    public init(final: String) throws(RekonError) {
        var f = final
        while f.count > 1 && f.hasSuffix("/") { f.removeLast() }
        self.final = f
        let parent = PathName.parent(f)
        let base = PathName.base(f)
        let folder = parent.isEmpty ? "." : parent
        let dir = folder + "/.\(base).rekon-tmp-\(getpid())"
        directory = dir
        let fm = FileManager.default
        do {
            if !parent.isEmpty && !fm.fileExists(atPath: parent) {
                try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
        } catch {
            throw RekonError(
                .output, "cannot create the output folder beside \(f): \(error.localizedDescription)", file: dir,
                reason: "write_failed")
        }
        let lockPath = folder + "/.\(base).rekon-lock"
        lockFD = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard lockFD >= 0 else {
            throw RekonError(
                .output, "cannot create the output folder's lock: \(String(cString: strerror(errno)))", file: lockPath,
                reason: "write_failed")
        }
        guard flock(lockFD, LOCK_EX | LOCK_NB) == 0 else {
            throw RekonError(
                .output, "another rekon run is writing this output folder; wait for it or choose another --out",
                file: f, reason: "locked")
        }
        // Under the lock, a staging folder of an earlier run that died is debris: remove it.
        let prefix = ".\(base).rekon-tmp-"
        for name in (try? fm.contentsOfDirectory(atPath: folder)) ?? [] where name.hasPrefix(prefix) {
            try? fm.removeItem(atPath: folder + "/" + name)
        }
        do {
            try fm.createDirectory(atPath: dir, withIntermediateDirectories: false)
            created = true
        } catch {
            throw RekonError(
                .output, "cannot create the output folder beside \(f): \(error.localizedDescription)", file: dir,
                reason: "write_failed")
        }
    }

    deinit {
        if created && !published { try? FileManager.default.removeItem(atPath: directory) }
        if lockFD >= 0 { close(lockFD) }
    }

    public func makeFolder(_ name: String) throws(RekonError) {
        if mkdir(directory + "/" + name, 0o755) != 0 && errno != EEXIST {
            throw RekonError(
                .output, "cannot create a folder: \(String(cString: strerror(errno)))", file: directory + "/" + name,
                reason: "write_failed")
        }
    }

    public func create(_ name: String) throws(RekonError) -> OutputFile {
        try OutputFile(directory: directory, name: name)
    }

    /// Closes a file and records its hash for the manifest.
    public func finish(_ f: OutputFile) throws(RekonError) {
        let sha = try f.close()
        lock.lock()
        written.append((f.name, sha, f.size))
        lock.unlock()
    }

    /// Writes a whole small file at once.
    public func write(_ name: String, _ bytes: [UInt8]) throws(RekonError) {
        let f = try create(name)
        try f.write(bytes)
        try finish(f)
    }

    /// Puts the staged folder in place of `final` atomically (an exchange when it exists), then removes
    /// the previous contents.
    public func publish() throws(RekonError) {
        try syncDirectory(directory)
        for sub in Set(written.compactMap { $0.name.contains("/") ? PathName.parent($0.name) : nil }) {
            try syncDirectory(directory + "/" + sub)
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: final, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw RekonError(.output, "--out names a file, not a folder", file: final, reason: "write_failed")
            }
            do { try exchangePaths(directory, final) } catch {
                throw RekonError(
                    .output, "cannot replace the output folder: \(error)", file: final, reason: "write_failed")
            }
            published = true
            try? FileManager.default.removeItem(atPath: directory)
        } else {
            if rename(directory, final) != 0 {
                throw RekonError(
                    .output, "cannot move the outputs into place: \(String(cString: strerror(errno)))", file: final,
                    reason: "write_failed")
            }
            published = true
        }
        let parent = PathName.parent(final)
        try syncDirectory(parent.isEmpty ? "." : parent)
    }

    private func syncDirectory(_ path: String) throws(RekonError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else {
            throw RekonError(.output, "cannot open a folder to sync it", file: path, reason: "write_failed")
        }
        defer { close(fd) }
        if fsync(fd) != 0 { throw RekonError(.output, "cannot sync a folder", file: path, reason: "write_failed") }
    }
}
