import PTScript

// MARK: - Open documents
//
// The text of every open document, kept as the client sends it. Full-text changes replace it;
// ranged changes splice it (ranges in UTF-16, converted against the text as it is before that
// change). Requests read an immutable snapshot.

/// One document version: its text, line table and converter, ready for the service.
public struct DocumentSnapshot: Sendable {
    /// The document's URI.
    public let uri: DocumentURI
    /// The version the client gave.
    public let version: Int
    /// The text with its line table.
    public let source: SourceFile
    /// UTF-16 ↔ UTF-8 for this text.
    public let positions: PositionConverter

    /// Creates a snapshot of a text.
    public init(uri: DocumentURI, version: Int, text: String) {
        self.uri = uri
        self.version = version
        self.source = SourceFile(name: DocumentSnapshot.displayName(uri), text: text)
        self.positions = PositionConverter(source)
    }

    /// The text.
    public var text: String { source.text }

    /// The file-system path of a `file://` URI (percent-decoded), nil for other schemes.
    public var filePath: String? { DocumentSnapshot.filePath(of: uri) }

    /// The path of a `file://` URI, or nil.
    public static func filePath(of uri: DocumentURI) -> String? {
        guard uri.hasPrefix("file://") else { return nil }
        var rest = Substring(uri.dropFirst("file://".count))
        // `file://host/path`: only the local host (empty or `localhost`) names a local path.
        if rest.hasPrefix("localhost/") { rest = rest.dropFirst("localhost".count) }
        guard rest.hasPrefix("/") else { return nil }
        return percentDecoded(rest)
    }

    private static func displayName(_ uri: DocumentURI) -> String { filePath(of: uri) ?? uri }

    private static func percentDecoded(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let value = UInt8(String(decoding: iterator.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Why a change could not be applied.
public enum DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A request or change named a document that is not open.
    case notOpen(DocumentURI)

    /// One line.
    public var description: String {
        switch self {
        case .notOpen(let uri): "expected an open document, found no open document '\(uri)'"
        }
    }
}

/// The open documents, by URI.
public struct DocumentStore: Sendable {
    private var documents: [DocumentURI: DocumentSnapshot] = [:]

    /// Creates an empty store.
    public init() {}

    /// The current snapshot of a document.
    public func snapshot(_ uri: DocumentURI) throws(DocumentError) -> DocumentSnapshot {
        guard let snapshot = documents[uri] else { throw .notOpen(uri) }
        return snapshot
    }

    /// Opens (or reopens) a document.
    @discardableResult
    public mutating func open(_ item: TextDocumentItem) -> DocumentSnapshot {
        let snapshot = DocumentSnapshot(uri: item.uri, version: item.version, text: item.text)
        documents[item.uri] = snapshot
        return snapshot
    }

    /// Applies changes in order and returns the new snapshot.
    @discardableResult
    public mutating func change(_ uri: DocumentURI, version: Int,
                                _ changes: [TextDocumentContentChangeEvent]) throws(DocumentError) -> DocumentSnapshot {
        var snapshot = try self.snapshot(uri)
        for change in changes {
            snapshot = DocumentStore.apply(change, to: snapshot, version: version)
        }
        if changes.isEmpty { snapshot = DocumentSnapshot(uri: uri, version: version, text: snapshot.text) }
        documents[uri] = snapshot
        return snapshot
    }

    /// Closes a document.
    public mutating func close(_ uri: DocumentURI) {
        documents[uri] = nil
    }

    /// One change applied to a snapshot: splice the UTF-8 bytes between the converted offsets.
    static func apply(_ change: TextDocumentContentChangeEvent, to snapshot: DocumentSnapshot, version: Int) -> DocumentSnapshot {
        guard let range = change.range else {
            return DocumentSnapshot(uri: snapshot.uri, version: version, text: change.text)
        }
        let start = snapshot.positions.utf8Offset(range.start)
        let end = max(start, snapshot.positions.utf8Offset(range.end))
        let bytes = snapshot.source.utf8
        var spliced = [UInt8]()
        spliced.reserveCapacity(bytes.count - (end - start) + change.text.utf8.count)
        spliced += bytes[..<start]
        spliced += change.text.utf8
        spliced += bytes[end...]
        return DocumentSnapshot(uri: snapshot.uri, version: version, text: String(decoding: spliced, as: UTF8.self))
    }
}
