import PTScript

// MARK: - Hover and signature help

extension ScriptService {
    /// Catalog help for the command word, setting, or argument under the cursor.
    public func hover(_ snapshot: DocumentSnapshot, at position: Position) -> Hover? {
        let offset = snapshot.positions.utf8Offset(position)
        let script = Parser.parse(snapshot.source)
        guard let statement = script.statements.first(where: { $0.range.utf8Range.contains(offset) || $0.range.end.utf8Offset == offset }),
              let spec = Commands.named(statement.name) else { return nil }
        if statement.nameRange.utf8Range.contains(offset) || statement.nameRange.end.utf8Offset == offset {
            return Hover(contents: .markdown(CatalogMarkdown.command(spec)), range: snapshot.positions.range(statement.nameRange))
        }
        guard let index = statement.arguments.firstIndex(where: {
            $0.range.utf8Range.contains(offset) || $0.range.end.utf8Offset == offset
        }) else { return nil }
        let argument = statement.arguments[index]
        let range = snapshot.positions.range(argument.range)
        let bound = FormProgress.parameter(at: index, of: spec, arguments: statement.arguments)
        switch (bound?.1, argument.value) {
        case (.settingKey?, .word(let name)), (.helpTopic?, .word(let name)):
            if let setting = Settings.named(name) { return Hover(contents: .markdown(CatalogMarkdown.setting(setting)), range: range) }
            if let command = Commands.named(name) { return Hover(contents: .markdown(CatalogMarkdown.command(command)), range: range) }
            return nil
        case (.settingValue?, _):
            guard case .word(let name)? = statement.arguments.first?.value, let setting = Settings.named(name) else { return nil }
            return Hover(contents: .markdown(CatalogMarkdown.setting(setting)), range: range)
        case (let parameter?, _):
            let form = bound!.0
            let text = CatalogMarkdown.parameter(parameter) + "\n\n```ptscript\n\(form.usage(spec.name))\n```\n\n" + form.summary
            return Hover(contents: .markdown(text), range: range)
        case (nil, _):
            return Hover(contents: .markdown(CatalogMarkdown.usage(spec)), range: range)
        }
    }

    /// The forms of the command being typed, with the parameter the cursor is on.
    public func signatureHelp(_ snapshot: DocumentSnapshot, at position: Position) -> SignatureHelp? {
        let cursor = snapshot.positions.utf8Offset(position)
        guard let (spec, arguments) = statementBeforeCursor(snapshot, cursor) else { return nil }
        var signatures: [SignatureInformation] = []
        var fitting: [(index: Int, complete: Bool)] = []
        for (index, form) in spec.forms.enumerated() {
            let progress = FormProgress(form, arguments)
            if progress.fits { fitting.append((index, progress.next >= form.parameters.count)) }
            signatures.append(signature(spec, form, active: min(progress.next, max(form.parameters.count - 1, 0))))
        }
        // A form that still wants arguments is a better guess than one already complete.
        let active = fitting.first { !$0.complete }?.index ?? fitting.first?.index ?? 0
        return SignatureHelp(signatures: signatures, activeSignature: active,
                             activeParameter: signatures[active].activeParameter ?? 0)
    }

    private func signature(_ spec: CommandSpec, _ form: CommandForm, active: Int) -> SignatureInformation {
        var label = spec.name
        var parameters: [ParameterInformation] = []
        for parameter in form.parameters {
            label += " "
            let start = label.utf16.count
            label += parameter.usage
            parameters.append(ParameterInformation(label: [start, label.utf16.count],
                                                   documentation: .markdown(CatalogMarkdown.parameter(parameter))))
        }
        return SignatureInformation(label: label, documentation: .markdown(form.summary), parameters: parameters,
                                    activeParameter: parameters.isEmpty ? nil : active)
    }

    // The command and the complete arguments of the statement the cursor is in; the token the
    // cursor touches is still being typed and does not count. Nil on the command word itself.
    private func statementBeforeCursor(_ snapshot: DocumentSnapshot, _ cursor: Int) -> (CommandSpec, [Argument])? {
        var statement: [Token] = []
        for token in Lexer.tokenize(snapshot.source).tokens {
            if token.leadingComments.contains(where: { $0.range.utf8Range.contains(cursor) || $0.range.end.utf8Offset == cursor }) {
                return nil  // in a comment
            }
            guard token.range.start.utf8Offset < cursor, token.kind != .eof else { break }
            if token.kind == .newline || token.kind == .semicolon {
                let continues = token.kind == .newline && statement.count > 1
                    && (statement.last?.kind == .arrow || statement.last?.lexeme == "to")
                if !continues { statement = [] }
            } else {
                statement.append(token)
            }
        }
        if let last = statement.last, last.range.end.utf8Offset >= cursor { statement.removeLast() }
        guard let first = statement.first, first.kind == .word, let spec = Commands.named(first.lexeme) else { return nil }
        let arguments = statement.dropFirst().compactMap { token -> Argument? in
            switch token.kind {
            case .word where token.lexeme == "to": Argument(.to, range: token.range)
            case .word: Argument(.word(token.lexeme), range: token.range)
            case .string: Argument(.string(token.stringValue ?? ""), range: token.range)
            case .number: Argument(.number(token.numberValue ?? 0, text: token.lexeme, isInteger: token.isInteger), range: token.range)
            case .arrow: Argument(.arrow, range: token.range)
            default: nil
            }
        }
        return (spec, arguments)
    }
}
