// MARK: - Completion engine (shared by the REPL and the LSP)
//
// Reads the text before the cursor, finds the statement being typed and asks the catalog what
// can come next: command names, subcommands, setting keys and values, paths inside strings,
// snapshot names, help topics.

/// Computes completions from the command catalog.
public enum Completer {
    /// Candidates for the cursor position in `text` (a UTF-8 offset; clamped into range).
    public static func complete(text: String, cursorUTF8Offset: Int, context: CompletionContext) -> CompletionResult {
        let bytes = Array(text.utf8)
        var cursor = min(max(cursorUTF8Offset, 0), bytes.count)
        while cursor > 0, cursor < bytes.count, bytes[cursor] & 0xC0 == 0x80 { cursor -= 1 }  // whole scalars only
        let prefix = String(decoding: bytes[0..<cursor], as: UTF8.self)
        let source = SourceFile(text: prefix)
        let tokens = Lexer.tokenize(source).tokens
        // The cursor inside a comment completes nothing.
        if let eof = tokens.last, eof.leadingComments.contains(where: { $0.range.end.utf8Offset == cursor }) {
            return .empty(at: cursor)
        }
        var statement = currentStatement(Array(tokens.dropLast()))

        // The token under the cursor, if the cursor touches its end.
        var partial: Token?
        if let last = statement.last, last.range.end.utf8Offset == cursor {
            switch last.kind {
            case .word, .number, .invalid: partial = last
            case .string where last.isUnterminated: partial = last
            default: return .empty(at: cursor)  // right after a closed string or `->`: type a space first
            }
            statement.removeLast()
        }
        let replaceStart = partial.map { $0.kind == .string ? $0.range.start.utf8Offset + 1 : $0.range.start.utf8Offset } ?? cursor
        func result(_ candidates: [CompletionCandidate]) -> CompletionResult {
            CompletionResult(replacementStart: replaceStart, replacementEnd: cursor, candidates: candidates)
        }

        guard let first = statement.first else {
            guard partial == nil || partial?.kind == .word else { return .empty(at: cursor) }
            let typed = partial?.lexeme ?? ""
            return result(Commands.allWords.filter { $0.word.hasPrefix(typed) }
                .map { CompletionCandidate(text: $0.word, kind: .command, detail: $0.spec.summary) })
        }
        guard first.kind == .word, let spec = Commands.named(first.lexeme) else { return .empty(at: cursor) }
        var arguments: [Argument] = []
        for token in statement.dropFirst() {
            guard let argument = argument(token) else { return .empty(at: cursor) }
            arguments.append(argument)
        }
        var expected: [ParameterSpec] = []
        for form in spec.forms {
            for parameter in nextParameters(form.parameters[...], arguments[...]) where !expected.contains(parameter) {
                expected.append(parameter)
            }
        }
        let snapshotNames = context.snapshots + definedSnapshots(in: prefix)
        var candidates: [CompletionCandidate] = []
        for parameter in expected {
            candidates += Completer.candidates(for: parameter, arguments: arguments, partial: partial,
                                               snapshots: snapshotNames, context: context)
        }
        return result(candidates.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
    }

    // MARK: - Statement under the cursor

    // The tokens after the last separator; a newline right after a connector does not separate.
    private static func currentStatement(_ tokens: [Token]) -> [Token] {
        var current: [Token] = []
        for token in tokens {
            if token.kind == .semicolon || token.kind == .newline {
                let continues = token.kind == .newline && current.count > 1
                    && (current.last?.kind == .arrow || current.last?.lexeme == "to")
                if !continues { current = [] }
            } else {
                current.append(token)
            }
        }
        return current
    }

    private static func argument(_ token: Token) -> Argument? {
        switch token.kind {
        case .word where token.lexeme == "to": Argument(.to, range: token.range)
        case .word: Argument(.word(token.lexeme), range: token.range)
        case .string: Argument(.string(token.stringValue ?? ""), range: token.range)
        case .number: Argument(.number(token.numberValue ?? 0, text: token.lexeme, isInteger: token.isInteger), range: token.range)
        case .arrow: Argument(.arrow, range: token.range)
        default: nil
        }
    }

    // What may come after `arguments` in a form: explores both branches of each optional group.
    private static func nextParameters(_ parameters: ArraySlice<ParameterSpec>, _ arguments: ArraySlice<Argument>) -> [ParameterSpec] {
        guard let parameter = parameters.first else { return [] }
        let rest = parameters.dropFirst()
        if case .optional(let group) = parameter {
            return nextParameters(ArraySlice(group) + rest, arguments) + nextParameters(rest, arguments)
        }
        guard let argument = arguments.first else { return [parameter] }
        guard FormMatcher.accepts(parameter, argument) else { return [] }
        return nextParameters(rest, arguments.dropFirst())
    }

    private static func definedSnapshots(in text: String) -> [String] {
        Parser.parse(text).statements.compactMap { statement in
            guard statement.name == "snapshot", case .string(let name)? = statement.arguments.first?.value else { return nil }
            return name
        }
    }

    // MARK: - Candidates per parameter

    private static func candidates(for parameter: ParameterSpec, arguments: [Argument], partial: Token?,
                                   snapshots: [String], context: CompletionContext) -> [CompletionCandidate] {
        let typedWord = partial?.kind == .word ? partial!.lexeme : partial == nil ? "" : nil
        func words(_ list: [(String, CompletionKind, String)]) -> [CompletionCandidate] {
            guard let typedWord else { return [] }
            return list.filter { $0.0.hasPrefix(typedWord) }.map { CompletionCandidate(text: $0.0, kind: $0.1, detail: $0.2) }
        }
        switch parameter {
        case .keyword(let word):
            return words([(word, .keyword, "")])
        case .choice(_, let options):
            return words(options.map { ($0, .keyword, "") })
        case .settingKey:
            return words(Settings.all.map { ($0.name, .setting, "\($0.type.shortName), default \($0.defaultValue)") })
        case .settingValue:
            guard case .word(let key)? = arguments.first?.value, let setting = Settings.named(key) else { return [] }
            if setting.type == .string {
                return partial == nil ? [CompletionCandidate(text: setting.defaultValue.description, kind: .value, detail: "default")] : []
            }
            return words(setting.valueSuggestions.map { ($0, .value, $0 == setting.defaultValue.description ? "default" : "") })
        case .helpTopic:
            return words(Commands.all.map { ($0.name, .topic, $0.summary) } + [("settings", .topic, "all settings")]
                         + Settings.all.map { ($0.name, .topic, "setting") })
        case .string(_, .snapshot(defines: false)):
            return stringCandidates(snapshots.map { ($0, CompletionKind.snapshot, true) }, partial: partial)
        case .string(_, .path(let role)):
            return pathCandidates(role, partial: partial, context: context)
        default:
            return []
        }
    }

    // Strings: inside an open string the candidate replaces the content; before one it brings its quotes.
    private static func stringCandidates(_ values: [(String, CompletionKind, Bool)], partial: Token?) -> [CompletionCandidate] {
        switch partial {
        case nil:
            return values.map { CompletionCandidate(text: "\"" + $0.0 + ($0.2 ? "\"" : ""), kind: $0.1) }
        case let token? where token.kind == .string:
            let typed = token.stringValue ?? ""
            return values.filter { $0.0.hasPrefix(typed) }.map { CompletionCandidate(text: $0.0, kind: $0.1) }
        default:
            return []
        }
    }

    private static func pathCandidates(_ role: PathRole, partial: Token?, context: CompletionContext) -> [CompletionCandidate] {
        guard let list = context.listDirectory else { return [] }
        let typed = partial?.kind == .string ? partial?.stringValue ?? "" : ""
        guard partial == nil || partial?.kind == .string else { return [] }
        let slash = typed.lastIndex(of: "/")
        let directory = slash.map { String(typed[...$0]) } ?? ""
        let namePrefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
        let entries = list(directory.isEmpty ? "." : directory)
            .filter { $0.name.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.name.hasPrefix(".")) }
            .filter { entry in
                if entry.isDirectory { return true }
                if role.isDirectory { return false }
                guard !role.extensions.isEmpty, role.reads else { return true }
                return role.extensions.contains { entry.name.hasSuffix("." + $0) }
            }
            .sorted { $0.isDirectory != $1.isDirectory ? $0.isDirectory : $0.name < $1.name }
        return stringCandidates(entries.map {
            (directory + $0.name + ($0.isDirectory ? "/" : ""), $0.isDirectory ? .directory : .file, !$0.isDirectory)
        }, partial: partial)
    }
}
