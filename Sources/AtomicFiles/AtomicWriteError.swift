#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a file could not be replaced. The old file (if there was one) is untouched and no
/// temporary file is left behind; the message says so, because that is what the user needs to
/// know after "no space left on device".
public struct AtomicWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step of the write that failed.
    public enum Stage: String, Sendable, Equatable, CaseIterable {
        /// Creating the temporary file beside the target (folder missing, read-only, no permission).
        case create
        /// Writing the bytes into the temporary file (disk full, file size limit, I/O error).
        case write
        /// Flushing the temporary file to the disk.
        case sync
        /// Renaming the temporary file over the target.
        case rename
    }

    /// The file that was to be written.
    public var path: String
    /// Where it failed.
    public var stage: Stage
    /// The `errno` of the failing call.
    public var code: Int32
    /// Whether a file was at `path` before (and is still there, unchanged).
    public var keptOldFile: Bool

    /// Creates an error value.
    public init(path: String, stage: Stage, code: Int32, keptOldFile: Bool) {
        self.path = path
        self.stage = stage
        self.code = code
        self.keptOldFile = keptOldFile
    }

    /// The path up to its last slash ("." for a bare name, "/" for a file in the root).
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The system's wording of `code`, lower-cased as it reads mid-sentence ("no space left on device").
    public var reason: String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        // "No space left on device" → "no space left on device"; keep a leading acronym ("EOF …") as it is.
        let second = text.dropFirst().first
        return (second?.isUppercase == true ? String(first) : first.lowercased()) + text.dropFirst()
    }

    /// One line: "cannot write 'p/adapter_model.safetensors': no space left on device (the old file is kept)".
    public var description: String {
        let consequence = keptOldFile ? "the old file is kept" : "nothing was written"
        let folder = Self.folder(of: path)
        switch (stage, code) {
        case (.create, ENOENT), (.create, ENOTDIR):
            return "cannot write '\(path)': the folder '\(folder)' does not exist (\(consequence))"
        case (.create, _):
            return "cannot write '\(path)': cannot create a file in '\(folder)': \(reason) (\(consequence))"
        default:
            return "cannot write '\(path)': \(reason) (\(consequence))"
        }
    }
}
