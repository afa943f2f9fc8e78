import PTScript

// MARK: - Semantic tokens
//
// Classification follows the syntax tree, not the raw lexemes: the first word of a statement is
// a command (keyword); words in argument position are setting names (property) or keyword
// arguments (enumMember); `->` and `to` are connectors (operator). A token that spans lines (a
// multi-line string) is split per line, since clients need not support multi-line tokens.

extension ScriptService {
    /// Semantic tokens for the whole document, encoded relative to each other in UTF-16 units.
    public func semanticTokens(_ snapshot: DocumentSnapshot) -> SemanticTokens {
        let script = Parser.parse(snapshot.source)
        var spans: [(range: SourceRange, type: SemanticTokenType)] = script.comments.map { ($0.range, .comment) }
        for statement in script.statements {
            spans.append((statement.nameRange, .keyword))
            let spec = Commands.named(statement.name)
            for (index, argument) in statement.arguments.enumerated() {
                let type: SemanticTokenType = switch argument.value {
                case .string: .string
                case .number: .number
                case .arrow, .to: .operator
                case .word(let word): isSettingName(word, at: index, spec, statement.arguments) ? .property : .enumMember
                }
                spans.append((argument.range, type))
            }
        }
        spans.sort { $0.range.start.utf8Offset < $1.range.start.utf8Offset }
        return SemanticTokens(data: encode(spans, snapshot))
    }

    // A word names a setting where the form takes a setting key (`set lr`) or a help topic that
    // is a setting (`help lr`); elsewhere (`train 3 epochs`) a word is a keyword argument even
    // when it happens to spell a setting's alias.
    private func isSettingName(_ word: String, at index: Int, _ spec: CommandSpec?, _ arguments: [Argument]) -> Bool {
        guard let spec, Settings.named(word) != nil else { return false }
        switch FormProgress.parameter(at: index, of: spec, arguments: arguments)?.1 {
        case .settingKey?, .helpTopic?: return true
        default: return false
        }
    }

    private func encode(_ spans: [(range: SourceRange, type: SemanticTokenType)], _ snapshot: DocumentSnapshot) -> [UInt32] {
        let source = snapshot.source
        let positions = snapshot.positions
        var data: [UInt32] = []
        data.reserveCapacity(spans.count * 5)
        var previous = Position(line: 0, character: 0)
        for span in spans {
            for line in span.range.start.line...span.range.end.line {
                // The part of the span on this line.
                let start = max(span.range.start.utf8Offset, source.lineStarts[line - 1])
                let end = min(span.range.end.utf8Offset, source.lineEndOffset(line))
                guard end > start else { continue }
                let position = positions.position(utf8Offset: start)
                let length = positions.utf16Count(from: start, to: end)
                let deltaLine = position.line - previous.line
                let deltaStart = deltaLine == 0 ? position.character - previous.character : position.character
                data += [UInt32(deltaLine), UInt32(deltaStart), UInt32(length), UInt32(span.type.rawValue), 0]
                previous = position
            }
        }
        return data
    }
}
