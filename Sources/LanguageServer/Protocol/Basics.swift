// MARK: - Basic structures shared by all methods

/// A document's URI as the client sent it (`file:///…` or `untitled:…`).
public typealias DocumentURI = String

/// A position: 0-based line and 0-based character offset in UTF-16 code units (LSP's default).
public struct Position: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0-based line.
    public var line: Int
    /// 0-based UTF-16 offset within the line.
    public var character: Int

    /// Creates a position.
    public init(line: Int, character: Int) {
        self.line = line
        self.character = character
    }

    /// Orders by line, then character.
    public static func < (a: Position, b: Position) -> Bool {
        (a.line, a.character) < (b.line, b.character)
    }

    /// `line:character`, both 0-based.
    public var description: String { "\(line):\(character)" }
}

/// A range between two positions (end exclusive).
public struct LSPRange: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The first position.
    public var start: Position
    /// One past the last position.
    public var end: Position

    /// Creates a range.
    public init(start: Position, end: Position) {
        self.start = start
        self.end = end
    }

    /// True when `position` lies in `[start, end]` (the end counts, as a cursor after a word touches it).
    public func touches(_ position: Position) -> Bool { start <= position && position <= end }

    /// `start-end`.
    public var description: String { "\(start)-\(end)" }
}

/// A range in a document.
public struct Location: Codable, Sendable, Hashable {
    /// The document.
    public var uri: DocumentURI
    /// The range in it.
    public var range: LSPRange

    /// Creates a location.
    public init(uri: DocumentURI, range: LSPRange) {
        self.uri = uri
        self.range = range
    }
}

/// Names a document.
public struct TextDocumentIdentifier: Codable, Sendable, Hashable {
    /// The document's URI.
    public var uri: DocumentURI

    /// Creates an identifier.
    public init(uri: DocumentURI) { self.uri = uri }
}

/// Names a document at a version.
public struct VersionedTextDocumentIdentifier: Codable, Sendable, Hashable {
    /// The document's URI.
    public var uri: DocumentURI
    /// The version after the change.
    public var version: Int

    /// Creates a versioned identifier.
    public init(uri: DocumentURI, version: Int) {
        self.uri = uri
        self.version = version
    }
}

/// A document as opened: URI, language, version and full text.
public struct TextDocumentItem: Codable, Sendable, Hashable {
    /// The document's URI.
    public var uri: DocumentURI
    /// The language id (`ptscript`).
    public var languageId: String
    /// The version number.
    public var version: Int
    /// The full text.
    public var text: String

    /// Creates a document item.
    public init(uri: DocumentURI, languageId: String, version: Int, text: String) {
        self.uri = uri
        self.languageId = languageId
        self.version = version
        self.text = text
    }
}

/// A document and a position in it: the params of hover and friends.
public struct TextDocumentPositionParams: Codable, Sendable, Hashable {
    /// The document.
    public var textDocument: TextDocumentIdentifier
    /// The cursor.
    public var position: Position

    /// Creates position params.
    public init(textDocument: TextDocumentIdentifier, position: Position) {
        self.textDocument = textDocument
        self.position = position
    }
}

/// Replace `range` with `newText`.
public struct TextEdit: Codable, Sendable, Hashable {
    /// The range to replace (empty for an insertion).
    public var range: LSPRange
    /// The new text.
    public var newText: String

    /// Creates an edit.
    public init(range: LSPRange, newText: String) {
        self.range = range
        self.newText = newText
    }
}

/// Text for the client to show, as Markdown or plain text.
public struct MarkupContent: Codable, Sendable, Hashable {
    /// `markdown` or `plaintext`.
    public var kind: String
    /// The text.
    public var value: String

    /// Markdown content.
    public static func markdown(_ value: String) -> MarkupContent { MarkupContent(kind: "markdown", value: value) }

    /// Creates content of a kind.
    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}
