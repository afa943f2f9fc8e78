// MARK: - Typed messages
//
// Each LSP method is a type that names its method string, its params and its result, as
// sourcekit-lsp's `RequestType` does; the server registers handlers by type, so a handler can
// only ever see the params it declared and return the result the protocol specifies.

/// A request the client sends and the server answers.
public protocol LSPRequest {
    /// The params' type.
    associatedtype Params: Decodable & Sendable
    /// The result's type (optional results encode as `null`).
    associatedtype Result: Encodable & Sendable
    /// The method name, e.g. `textDocument/hover`.
    static var method: String { get }
}

/// A notification (no response), in either direction.
public protocol LSPNotification {
    /// The params' type.
    associatedtype Params: Codable & Sendable
    /// The method name, e.g. `textDocument/didOpen`.
    static var method: String { get }
}

/// Params of messages that carry none (or whose params the server ignores).
public struct EmptyParams: Codable, Sendable, Equatable {
    /// Creates empty params.
    public init() {}
}

/// The `null` result of requests such as `shutdown`.
public struct NullResult: Encodable, Sendable, Equatable {
    /// Creates the null result.
    public init() {}
    /// Encodes `null`.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
