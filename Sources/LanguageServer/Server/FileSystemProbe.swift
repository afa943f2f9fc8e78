import Foundation
import PTScript

// MARK: - The file system, as seen from a document's folder
//
// A script's relative paths are resolved the way `ptune run` resolves them: against the folder
// the script lives in. Documents without a `file://` URI (untitled buffers) get no file checks
// and no path completion rather than checks against the server's working directory.

/// File checks and directory listings relative to one document's folder.
struct FileSystemProbe: Sendable {
    /// The document's folder, or nil for documents that are not files.
    let directory: String?

    init(documentPath: String?) {
        directory = documentPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
    }

    /// The checker's probe: does a path the script reads exist?
    var fileExists: (@Sendable (String) -> Bool)? {
        guard let directory else { return nil }
        return { @Sendable path in FileManager.default.fileExists(atPath: FileSystemProbe.resolve(path, in: directory)) }
    }

    /// The completer's directory listing.
    var listDirectory: (@Sendable (String) -> [DirectoryEntry])? {
        guard let directory else { return nil }
        return { @Sendable relative in
            let path = FileSystemProbe.resolve(relative, in: directory)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.map { name in
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: path + "/" + name, isDirectory: &isDirectory)
                return DirectoryEntry(name: name, isDirectory: isDirectory.boolValue)
            }
        }
    }

    private static func resolve(_ path: String, in directory: String) -> String {
        let expanded = NSString(string: path).expandingTildeInPath
        return expanded.hasPrefix("/") ? expanded : directory + "/" + expanded
    }
}
