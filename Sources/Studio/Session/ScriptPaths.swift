import Foundation
import PTScript

// MARK: - Paths in saved scripts
//
// A command typed in the REPL resolves `pairs "data.jsonl"` against the working directory; a
// script resolves it against the script's own folder. So when a command is written into a script
// in another folder, its relative paths are rewritten to point at the same files from there.

enum ScriptPaths {
    /// The absolute, standardized form of `path` resolved against `base`.
    static func absolute(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardized.path }
        if path.hasPrefix("~") { return NSString(string: path).expandingTildeInPath }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardized.path
    }

    /// `target` written relative to the folder `from` (both absolute), e.g. `../data/x.jsonl`.
    static func relative(_ target: String, from folder: String) -> String {
        let to = URL(fileURLWithPath: target).standardized.pathComponents
        let from = URL(fileURLWithPath: folder).standardized.pathComponents
        var common = 0
        while common < to.count, common < from.count, to[common] == from[common] { common += 1 }
        // Only the root in common: an absolute path reads better than a chain of '..'.
        if common <= 1 { return target }
        let ups = Array(repeating: "..", count: from.count - common)
        let rest = Array(to[common...])
        let joined = (ups + rest).joined(separator: "/")
        return joined.isEmpty ? "." : joined
    }

    /// A path as a PTScript string literal (the escapes the lexer reads back).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// The string arguments of a command that name files or folders.
    static func pathValues(of command: Command) -> [String] {
        switch command {
        case .load(let path?), .pairsFile(let path), .record(let path), .historySave(let path), .run(let path):
            [path]
        case .loadPrompt(let dir), .savePrompt(let dir):
            [dir]
        case .map(let output?), .plot(_, let output?):
            [output]
        default:
            []
        }
    }
}

extension HistoryEntry {
    /// The command's text with every relative path rewritten for a script in `folder`.
    func rendered(forScriptIn folder: String) -> String {
        let base = URL(fileURLWithPath: baseDirectory).standardized.path
        let target = URL(fileURLWithPath: folder).standardized.path
        let paths = ScriptPaths.pathValues(of: statement.command)
        guard base != target, !paths.isEmpty else { return text }
        var bytes = Array(text.utf8)
        // Replace from the end so earlier ranges stay valid.
        let arguments = statement.statement.arguments.reversed()
        for argument in arguments {
            guard case .string(let value) = argument.value, paths.contains(value),
                  !value.hasPrefix("/"), !value.hasPrefix("~") else { continue }
            let start = argument.range.start.utf8Offset - sourceOffset
            let end = argument.range.end.utf8Offset - sourceOffset
            guard start >= 0, end <= bytes.count, start < end else { continue }
            let moved = ScriptPaths.relative(ScriptPaths.absolute(value, base: base), from: target)
            bytes.replaceSubrange(start ..< end, with: Array(ScriptPaths.quoted(moved).utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A path argument of this command as a script in `folder` should write it.
    func path(_ value: String, forScriptIn folder: String) -> String {
        if value.hasPrefix("/") || value.hasPrefix("~") { return value }
        let moved = ScriptPaths.relative(ScriptPaths.absolute(value, base: baseDirectory),
                                         from: URL(fileURLWithPath: folder).standardized.path)
        return moved
    }
}
