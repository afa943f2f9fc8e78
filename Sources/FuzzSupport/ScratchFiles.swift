import Foundation

// MARK: - Scratch files
//
// Some readers only take a URL (pairs files, adapter directories). Their fuzz targets write each
// input to one fixed scratch folder per process — overwritten every run, so the disk use stays
// one input's size — and read it back through the real path-based API.

/// Folders to delete at exit. Written only while the fuzz target's globals are initialized (before
/// libFuzzer starts; the targets are single-threaded) and read in the exit handler, so the
/// unsynchronized access cannot race.
nonisolated(unsafe) private var scratchFoldersToRemove: [String] = []

/// A per-process scratch folder under the system temporary directory, removed at exit.
public struct ScratchFolder: Sendable {
    /// The folder, created on first use.
    public let url: URL

    /// Creates (or reuses) `ptune-fuzz-<name>-<pid>` in the temporary directory.
    public init(name: String) {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("ptune-fuzz-\(name)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        scratchFoldersToRemove.append(url.path)
        if scratchFoldersToRemove.count == 1 {
            // libFuzzer ends a run with exit(), so the folders go then (a crash leaves them behind).
            atexit { for path in scratchFoldersToRemove { try? FileManager.default.removeItem(atPath: path) } }
        }
    }

    /// Writes `bytes` to `fileName` in the folder, replacing what was there, and returns its URL.
    @discardableResult
    public func write(_ bytes: some Collection<UInt8>, to fileName: String) -> URL {
        let file = url.appendingPathComponent(fileName)
        do {
            try Data(bytes).write(to: file)
        } catch {
            fatalError("cannot write the fuzz scratch file \(file.path): \(error)")
        }
        return file
    }

    /// Removes `fileName` from the folder if present.
    public func remove(_ fileName: String) {
        try? FileManager.default.removeItem(at: url.appendingPathComponent(fileName))
    }
}
