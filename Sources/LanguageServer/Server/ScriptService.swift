import PTScript

// MARK: - The .ptscript service
//
// Answers typed requests from a document snapshot with PTScript's own engines: the checker for
// diagnostics, the REPL's completer, the catalog for hover and signatures. No JSON here: the
// server layer decodes params and encodes results; this layer sees Swift values only.

/// Answers language requests about one document snapshot.
public struct ScriptService: Sendable {
    /// The `source` field of published diagnostics.
    public static let diagnosticSource = "ptune"

    /// Creates the service.
    public init() {}

    // MARK: - Diagnostics

    /// Every diagnostic of the snapshot: syntax, catalog checks, and missing files relative to the
    /// document's folder (warnings) for `file://` documents.
    public func diagnostics(_ snapshot: DocumentSnapshot) -> [LSPDiagnostic] {
        let probe = FileSystemProbe(documentPath: snapshot.filePath)
        let checked = Checker.check(Parser.parse(snapshot.source), context: CheckContext(fileExists: probe.fileExists))
        return checked.diagnostics.map { lspDiagnostic($0, in: snapshot) }
    }

    private func lspDiagnostic(_ diagnostic: Diagnostic, in snapshot: DocumentSnapshot) -> LSPDiagnostic {
        // Notes without a place and fix-it help lines read best under the message, as the terminal shows them.
        var message = diagnostic.text
        for note in diagnostic.notes where note.range == nil { message += "\nnote: " + note.message }
        for fixIt in diagnostic.fixIts { message += "\nhelp: " + fixIt.message }
        let related = diagnostic.notes.compactMap { note in
            note.range.map {
                DiagnosticRelatedInformation(location: Location(uri: snapshot.uri, range: snapshot.positions.range($0)),
                                             message: note.message)
            }
        }
        let severity: DiagnosticSeverity = switch diagnostic.severity {
        case .error: .error
        case .warning: .warning
        case .note: .information
        }
        return LSPDiagnostic(range: snapshot.positions.range(diagnostic.range), severity: severity, code: diagnostic.id,
                             source: Self.diagnosticSource, message: message,
                             relatedInformation: related.isEmpty ? nil : related)
    }

    // MARK: - Completion

    /// The REPL's completions at a position, as items that replace the typed prefix.
    public func completion(_ snapshot: DocumentSnapshot, at position: Position) -> CompletionList {
        let probe = FileSystemProbe(documentPath: snapshot.filePath)
        let cursor = snapshot.positions.utf8Offset(position)
        let result = Completer.complete(text: snapshot.text, cursorUTF8Offset: cursor,
                                        context: CompletionContext(listDirectory: probe.listDirectory))
        let range = snapshot.positions.range(utf8: result.replacementStart..<result.replacementEnd)
        let items = result.candidates.enumerated().map { index, candidate in
            CompletionItem(label: candidate.text, kind: Self.kind(candidate.kind),
                           detail: candidate.detail.isEmpty ? nil : candidate.detail,
                           documentation: documentation(candidate),
                           sortText: String(repeating: "0", count: max(0, 4 - String(index).count)) + String(index),
                           filterText: candidate.text,
                           textEdit: TextEdit(range: range, newText: candidate.text))
        }
        return CompletionList(isIncomplete: false, items: items)
    }

    /// LSP's icon for a PTScript completion kind.
    static func kind(_ kind: CompletionKind) -> CompletionItemKind {
        switch kind {
        case .command: .keyword
        case .keyword: .enumMember
        case .setting: .property
        case .value: .value
        case .file: .file
        case .directory: .folder
        case .snapshot: .reference
        case .topic: .module
        }
    }

    private func documentation(_ candidate: CompletionCandidate) -> MarkupContent? {
        switch candidate.kind {
        case .command: Commands.named(candidate.text).map { .markdown(CatalogMarkdown.usage($0)) }
        case .setting: Settings.named(candidate.text).map { .markdown(CatalogMarkdown.setting($0)) }
        default: nil
        }
    }
}
