// MARK: - Signature help: textDocument/signatureHelp

/// `textDocument/signatureHelp`.
public enum SignatureHelpRequest: LSPRequest {
    /// The method name.
    public static let method = "textDocument/signatureHelp"
    /// The params (the client's `context` member is ignored: the answer depends on the text only).
    public typealias Params = TextDocumentPositionParams
    /// The result (null outside a known command).
    public typealias Result = SignatureHelp?
}

/// Signature-help settings advertised in `initialize`.
public struct SignatureHelpOptions: Codable, Sendable {
    /// Characters that open signature help.
    public var triggerCharacters: [String]
    /// Characters that refresh it while open.
    public var retriggerCharacters: [String]
}

/// The forms of the command being typed.
public struct SignatureHelp: Codable, Sendable, Equatable {
    /// One signature per form.
    public var signatures: [SignatureInformation]
    /// The form that fits what is typed so far.
    public var activeSignature: Int
    /// The parameter the cursor is on, in the active signature.
    public var activeParameter: Int

    /// Creates signature help.
    public init(signatures: [SignatureInformation], activeSignature: Int, activeParameter: Int) {
        self.signatures = signatures
        self.activeSignature = activeSignature
        self.activeParameter = activeParameter
    }
}

/// One form: its usage line and its parameters.
public struct SignatureInformation: Codable, Sendable, Equatable {
    /// The usage line, e.g. `train <count> [updates|epochs]`.
    public var label: String
    /// What the form does.
    public var documentation: MarkupContent?
    /// The parameters, as ranges of `label`.
    public var parameters: [ParameterInformation]
    /// The parameter the cursor is on in this form.
    public var activeParameter: Int?

    /// Creates a signature.
    public init(label: String, documentation: MarkupContent?, parameters: [ParameterInformation], activeParameter: Int?) {
        self.label = label
        self.documentation = documentation
        self.parameters = parameters
        self.activeParameter = activeParameter
    }
}

/// One parameter of a form.
public struct ParameterInformation: Codable, Sendable, Equatable {
    /// `[start, end)` of the parameter in the signature's label, in UTF-16 units (offsets, not a
    /// substring, because a label may repeat a word).
    public var label: [Int]
    /// What the parameter expects.
    public var documentation: MarkupContent?

    /// Creates a parameter.
    public init(label: [Int], documentation: MarkupContent?) {
        self.label = label
        self.documentation = documentation
    }
}
