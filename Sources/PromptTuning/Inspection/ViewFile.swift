import AtomicFiles
import Foundation

/// Files written by the teaching views (`map to "map.svg"`): replaced atomically, so a reader (a
/// browser that auto-reloads) never sees half a file.
public enum ViewFile {
    /// Writes `text` as UTF-8 to `url` through a temporary file in the same directory and a rename.
    public static func write(_ text: String, to url: URL) throws(AdapterError) {
        let directory = url.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .write(path: url.path, reason: "the directory \(directory) does not exist")
        }
        do {
            try AtomicFile.write(text, to: url)
        } catch {
            throw .file(error)
        }
    }
}
