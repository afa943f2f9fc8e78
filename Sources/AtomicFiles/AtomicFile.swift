// One way to write a file in ptune: a temporary file beside the target, written in full, flushed
// to the disk, renamed over the target, and the folder flushed so the rename is durable too. A
// crash or SIGKILL at any instant leaves the old complete file or the new complete file, never a
// torn one; a failure (disk full, read-only folder, file size limit) keeps the old file and
// removes the temporary. Adapters, state files, the REPL history, recordings, plots and view
// files all go through here.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces files atomically and durably. Thread-safe; never prints.
public enum AtomicFile {
    // MARK: - Writing

    /// Replaces the file at `url` with `bytes`. The new file gets `permissions`, else the old
    /// file's mode, else 0644. Temporary files left by earlier, killed writers of the same file
    /// are removed first.
    public static func write(_ bytes: Data, to url: URL, permissions: mode_t? = nil) throws(AtomicWriteError) {
        try writeAll([(bytes, url)], permissions: permissions)
    }

    /// Replaces the file at `url` with `text` as UTF-8.
    public static func write(_ text: String, to url: URL, permissions: mode_t? = nil) throws(AtomicWriteError) {
        try write(Data(text.utf8), to: url, permissions: permissions)
    }

    /// Replaces several files (an adapter's weights, config and state): every temporary is written
    /// and flushed before the first rename, so a failure while writing changes none of them, and a
    /// crash can only fall in the short run of renames at the end, where each file is still whole.
    public static func writeAll(_ files: [(bytes: Data, url: URL)], permissions: mode_t? = nil) throws(AtomicWriteError) {
        _ = fileSizeSignalIgnored
        var staged: [Staged] = []
        do {
            for (bytes, url) in files {
                removeStaleTemporaries(near: url)
                staged.append(try stage(bytes, for: url, permissions: permissions))
            }
        } catch {
            for s in staged { unlink(s.temporary) }
            throw error
        }
        var directories: Set<String> = []
        for (index, s) in staged.enumerated() {
            let existed = access(s.target, F_OK) == 0
            if let code = FaultInjection.failure(at: .rename, path: s.target) ?? (rename(s.temporary, s.target) == 0 ? nil : errno) {
                for rest in staged[index...] { unlink(rest.temporary) }
                throw AtomicWriteError(path: s.target, stage: .rename, code: code, keptOldFile: existed)
            }
            directories.insert(s.directory)
        }
        // The renames are durable once each folder is flushed; a failure here loses nothing
        // (the new files are in place), so it is not reported.
        for directory in directories {
            let fd = open(directory, O_RDONLY)
            if fd >= 0 {
                _ = fsync(fd)
                close(fd)
            }
        }
    }

    // MARK: - Temporary files

    /// The name prefix of `url`'s temporary files: `.<name>.tmp-`. The writer's process id and a
    /// random suffix follow, so a later writer can tell a dead writer's leftover from a live one.
    public static func temporaryPrefix(for url: URL) -> String {
        "." + url.lastPathComponent + ".tmp-"
    }

    /// Paths of temporary files beside `url` whose writer process no longer exists.
    public static func staleTemporaries(near url: URL) -> [String] {
        let directory = url.deletingLastPathComponent().path
        let prefix = temporaryPrefix(for: url)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { name in
            guard name.hasPrefix(prefix) else { return false }
            // ".<name>.tmp-<pid>-XXXXXX": a writer that is still running keeps its file.
            let rest = name.dropFirst(prefix.count)
            guard let dash = rest.firstIndex(of: "-"), let pid = pid_t(rest[..<dash]) else { return true }
            return pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH
        }.map { directory + "/" + $0 }
    }

    /// Removes what `staleTemporaries(near:)` finds (best effort).
    public static func removeStaleTemporaries(near url: URL) {
        for path in staleTemporaries(near: url) { unlink(path) }
    }

    // MARK: - Private

    /// A written, flushed and closed temporary file waiting to be renamed over `target`.
    private struct Staged {
        var temporary: String
        var target: String
        var directory: String
    }

    /// Writes `bytes` into a new temporary file beside `url` and flushes it; on failure the
    /// temporary is removed and the target is untouched.
    private static func stage(_ bytes: Data, for url: URL, permissions: mode_t?) throws(AtomicWriteError) -> Staged {
        let target = url.path
        let directory = url.deletingLastPathComponent().path
        let existed = access(target, F_OK) == 0
        func failure(_ stage: AtomicWriteError.Stage, _ code: Int32) -> AtomicWriteError {
            AtomicWriteError(path: target, stage: stage, code: code, keptOldFile: existed)
        }
        var template = Array((directory + "/" + temporaryPrefix(for: url) + "\(getpid())-XXXXXX").utf8CString)
        if let code = FaultInjection.failure(at: .create, path: target) { throw failure(.create, code) }
        let fd = template.withUnsafeMutableBufferPointer { makeTemporary($0.baseAddress!) }
        guard fd >= 0 else { throw failure(.create, errno) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var code: Int32?
        var stage = AtomicWriteError.Stage.write
        // mkstemp makes the file 0600; give it the mode the target has (or should have).
        var info = stat()
        let mode = permissions ?? (stat(target, &info) == 0 ? info.st_mode & 0o7777 : 0o644)
        if fchmod(fd, mode) != 0 { code = errno }
        if code == nil { code = writeFully(fd, bytes, path: target) }
        if code == nil {
            stage = .sync
            code = FaultInjection.failure(at: .sync, path: target) ?? (fsync(fd) == 0 ? nil : errno)
        }
        if close(fd) != 0, code == nil { code = errno }
        if let code {
            unlink(temporary)
            throw failure(stage, code)
        }
        return Staged(temporary: temporary, target: target, directory: directory)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes and EINTR; the errno of a failure.
    private static func writeFully(_ fd: Int32, _ bytes: Data, path: String) -> Int32? {
        let injected = FaultInjection.failure(at: .write, path: path)
        return bytes.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int32? in
            // An injected failure writes half the bytes first, as a disk filling up mid-write would.
            let end = injected == nil ? raw.count : raw.count / 2
            var offset = 0
            while offset < end {
                let written = Foundation.write(fd, raw.baseAddress! + offset, end - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return injected
        }
    }

    /// mkstemp, with close-on-exec so a process started meanwhile does not inherit the file.
    private static func makeTemporary(_ template: UnsafeMutablePointer<CChar>) -> Int32 {
        let fd = mkstemp(template)
        if fd >= 0 { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return fd
    }

    /// Ignores SIGXFSZ once per process: past a file size limit (`ulimit -f`), write(2) then fails
    /// with EFBIG, which is reported like a full disk, instead of the signal killing the process
    /// and the whole session with it.
    private static let fileSizeSignalIgnored: Bool = {
        signal(SIGXFSZ, SIG_IGN)
        return true
    }()
}
