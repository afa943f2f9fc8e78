// MARK: - Diagnostics: textDocument/publishDiagnostics (server → client)

/// `textDocument/publishDiagnostics`: the full set of diagnostics of one document.
public enum PublishDiagnosticsNotification: LSPNotification {
    /// The method name.
    public static let method = "textDocument/publishDiagnostics"
    /// The params.
    public typealias Params = PublishDiagnosticsParams
}

/// The diagnostics of a document at a version (an empty list clears them).
public struct PublishDiagnosticsParams: Codable, Sendable {
    /// The document.
    public var uri: DocumentURI
    /// The version the diagnostics belong to.
    public var version: Int?
    /// All current diagnostics.
    public var diagnostics: [LSPDiagnostic]

    /// Creates params.
    public init(uri: DocumentURI, version: Int?, diagnostics: [LSPDiagnostic]) {
        self.uri = uri
        self.version = version
        self.diagnostics = diagnostics
    }
}

/// How serious a diagnostic is, in LSP's numbering.
public enum DiagnosticSeverity: Int, Codable, Sendable {
    /// Reports an error.
    case error = 1
    /// Reports a warning.
    case warning = 2
    /// Reports information.
    case information = 3
    /// Reports a hint.
    case hint = 4
}

/// One diagnostic as the client shows it.
public struct LSPDiagnostic: Codable, Sendable, Equatable {
    /// Where.
    public var range: LSPRange
    /// How serious.
    public var severity: DiagnosticSeverity
    /// The stable id, e.g. `PT0020`.
    public var code: String?
    /// `ptune`.
    public var source: String?
    /// The message, with help lines (`did you mean 'train'?`) after it.
    public var message: String
    /// Notes that point at other places.
    public var relatedInformation: [DiagnosticRelatedInformation]?

    /// Creates a diagnostic.
    public init(range: LSPRange, severity: DiagnosticSeverity, code: String?, source: String?, message: String,
                relatedInformation: [DiagnosticRelatedInformation]? = nil) {
        self.range = range
        self.severity = severity
        self.code = code
        self.source = source
        self.message = message
        self.relatedInformation = relatedInformation
    }
}

/// A note attached to a diagnostic, pointing somewhere.
public struct DiagnosticRelatedInformation: Codable, Sendable, Equatable {
    /// Where the note points.
    public var location: Location
    /// The note.
    public var message: String
}
