import PTScript

// MARK: - Document symbols: the outline of a script
//
// A script reads as a flow: load a model → add pairs → create the prompt vector → train → ask.
// The outline groups consecutive statements by stage of that flow (other commands by their
// catalog category), one symbol per statement; a `## heading` comment opens a namespace that
// holds the stages under it, so a long script with sections outlines like a document.

extension ScriptService {
    /// The outline: headings → stages → statements.
    public func documentSymbols(_ snapshot: DocumentSnapshot) -> [DocumentSymbol] {
        let script = Parser.parse(snapshot.source)
        let positions = snapshot.positions
        var sections: [(heading: Comment?, statements: [Statement])] = [(nil, [])]
        for statement in script.statements {
            for comment in statement.leadingComments where Self.isHeading(comment) {
                sections.append((comment, []))
            }
            sections[sections.count - 1].statements.append(statement)
        }
        // Headings after the last statement still deserve an entry.
        let lastEnd = script.statements.last?.range.end.utf8Offset ?? -1
        for comment in script.comments where Self.isHeading(comment) && comment.range.start.utf8Offset > lastEnd {
            sections.append((comment, []))
        }

        var symbols: [DocumentSymbol] = []
        for section in sections {
            let stages = stageSymbols(section.statements, positions)
            guard let heading = section.heading else { symbols += stages; continue }
            let end = section.statements.last?.range.end ?? heading.range.end
            let name = String(heading.text.drop { $0 == "#" }).trimmingCharacters()
            symbols.append(DocumentSymbol(
                name: name.isEmpty ? "(section)" : name, detail: nil, kind: .namespace,
                range: positions.range(SourceRange(start: heading.range.start, end: end)),
                selectionRange: positions.range(heading.range), children: stages))
        }
        return symbols
    }

    /// `## text`: a comment whose text starts with `#` (so the line reads `## …`).
    static func isHeading(_ comment: Comment) -> Bool {
        comment.text.hasPrefix("#")
    }

    // Consecutive statements of the same stage, as one symbol each with the statements inside.
    private func stageSymbols(_ statements: [Statement], _ positions: PositionConverter) -> [DocumentSymbol] {
        var groups: [(stage: Stage, statements: [Statement])] = []
        for statement in statements {
            let stage = Stage(statement.name)
            if groups.last?.stage == stage {
                groups[groups.count - 1].statements.append(statement)
            } else {
                groups.append((stage, [statement]))
            }
        }
        return groups.map { group in
            let children = group.statements.map { statementSymbol($0, positions) }
            let range = group.statements.dropFirst().reduce(group.statements[0].range) { $0.union($1.range) }
            return DocumentSymbol(name: group.stage.title, detail: nil, kind: group.stage.symbolKind,
                                  range: positions.range(range), selectionRange: positions.range(group.statements[0].nameRange),
                                  children: children)
        }
    }

    private func statementSymbol(_ statement: Statement, _ positions: PositionConverter) -> DocumentSymbol {
        let spec = Commands.named(statement.name)
        var name = ([statement.name] + statement.arguments.map(\.written)).joined(separator: " ")
        if name.count > 60 { name = String(name.prefix(59)) + "…" }
        let detail = spec.map { spec in
            spec.forms.first { FormProgress($0, statement.arguments).fits && FormProgress($0, statement.arguments).next >= $0.parameters.count }?
                .summary ?? spec.summary
        } ?? "unknown command"
        return DocumentSymbol(name: name, detail: detail, kind: Stage(statement.name).symbolKind,
                              range: positions.range(statement.range), selectionRange: positions.range(statement.nameRange),
                              children: nil)
    }
}

// MARK: - Stages of the flow

/// Where a statement sits in the load → pairs → init → train → ask flow.
enum Stage: Equatable {
    case model, pairs, prompt, training, asking
    /// Commands outside the flow, grouped by their catalog category (or unknown).
    case other(String)

    init(_ command: String) {
        switch command {
        case "load": self = .model
        case "pairs": self = .pairs
        case "init": self = .prompt
        case "train": self = .training
        case "ask", "compare", "eval", "preview": self = .asking
        default: self = .other(Commands.named(command)?.category.rawValue ?? "Unknown commands")
        }
    }

    var title: String {
        switch self {
        case .model: "Model"
        case .pairs: "Pairs"
        case .prompt: "Prompt vector"
        case .training: "Training"
        case .asking: "Asking"
        case .other(let category): category
        }
    }

    var symbolKind: SymbolKind {
        switch self {
        case .model: .module
        case .pairs: .array
        case .prompt: .constructor
        case .training: .operator
        case .asking: .event
        case .other: .function
        }
    }
}

extension Argument {
    /// The argument as it would be written back (strings re-quoted with escapes).
    var written: String {
        switch value {
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        case .number(_, let text, _): return text
        case .word(let w): return w
        case .arrow: return "->"
        case .to: return "to"
        }
    }
}
