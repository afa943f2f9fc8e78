import Foundation

// MARK: - JSON-RPC 2.0 messages
//
// The envelope only: `jsonrpc`, `id`, `method`, and whether `result`/`error` is present. Params
// stay as the raw body until a handler asks for them with a type, so this layer knows no
// methods and no message shapes beyond JSON-RPC's own.

/// The params of an incoming message, decoded on demand into the type a handler expects.
public struct MessageParams: Sendable {
    /// The whole message body (UTF-8 JSON); params are read from its `params` member.
    public let body: Data

    /// Decodes `params` as `P`; throws `DecodingError` when absent or of another shape.
    public func decode<P: Decodable>(_ type: P.Type) throws -> P {
        try JSONDecoder().decode(ParamsEnvelope<P>.self, from: body).params
    }

    private struct ParamsEnvelope<P: Decodable>: Decodable {
        let params: P
    }
}

/// One message received from the client, classified by the JSON-RPC rules.
public enum IncomingMessage: Sendable {
    /// A request: the client waits for a response with this id.
    case request(id: RequestID, method: String, params: MessageParams)
    /// A notification: no response.
    case notification(method: String, params: MessageParams)
    /// A response to a request the server sent (the server sends none, so these are dropped).
    case response(id: RequestID?)
    /// Something that is not a valid message; answered with `error` (id null when unknown).
    case invalid(id: RequestID?, error: ResponseError)

    /// Classifies one message body.
    public static func decode(_ body: [UInt8]) -> IncomingMessage {
        let data = Data(body)
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return .invalid(id: nil, error: .parseError("expected a JSON value, found invalid JSON"))
        } catch {
            return .invalid(id: nil, error: .invalidRequest("expected a JSON-RPC message object: \(describe(error))"))
        }
        guard envelope.jsonrpc == "2.0" else {
            let found = envelope.jsonrpc.map { "'\($0)'" } ?? "none"
            return .invalid(id: envelope.id, error: .invalidRequest("expected \"jsonrpc\": \"2.0\", found \(found)"))
        }
        if let method = envelope.method {
            guard envelope.hasID else { return .notification(method: method, params: MessageParams(body: data)) }
            guard let id = envelope.id else {
                return .invalid(id: nil, error: .invalidRequest("expected a number or string id, found null"))
            }
            return .request(id: id, method: method, params: MessageParams(body: data))
        }
        if envelope.isResponse { return .response(id: envelope.id) }
        return .invalid(id: envelope.id, error: .invalidRequest("expected a 'method' or a 'result'/'error' member"))
    }

    /// A decoding error in one line (the path to the bad member and what went wrong).
    public static func describe(_ error: Error) -> String {
        func path(_ codingPath: [CodingKey]) -> String {
            let text = codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the value" : String(text.drop { $0 == "." })
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(key.stringValue)' in \(path(context.codingPath))"
        case DecodingError.typeMismatch(let type, let context):
            return "expected \(type) at \(path(context.codingPath))"
        case DecodingError.valueNotFound(let type, let context):
            return "expected \(type) at \(path(context.codingPath)), found null"
        case DecodingError.dataCorrupted(let context):
            return "invalid value at \(path(context.codingPath)): \(context.debugDescription)"
        default:
            return "\(error)"
        }
    }
}

// The members every JSON-RPC message may carry; `params` is left in the body.
private struct Envelope: Decodable {
    let jsonrpc: String?
    let id: RequestID?
    let hasID: Bool
    let method: String?
    let isResponse: Bool

    enum Keys: String, CodingKey { case jsonrpc, id, method, result, error }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        jsonrpc = try container.decodeIfPresent(String.self, forKey: .jsonrpc)
        hasID = container.contains(.id)
        if hasID, try !container.decodeNil(forKey: .id) {
            id = try container.decode(RequestID.self, forKey: .id)
        } else {
            id = nil
        }
        method = try container.decodeIfPresent(String.self, forKey: .method)
        isResponse = container.contains(.result) || container.contains(.error)
    }
}

// MARK: - Outgoing

/// A successful response: `{"jsonrpc":"2.0","id":…,"result":…}` (`result` is `null` for nil).
struct ResponseMessage<Result: Encodable>: Encodable {
    let id: RequestID
    let result: Result

    enum Keys: String, CodingKey { case jsonrpc, id, result }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        try container.encode(result, forKey: .result)  // not encodeIfPresent: a nil result is `null`
    }
}

/// An error response; `id` is `null` when the request's id could not be read.
struct ErrorResponseMessage: Encodable {
    let id: RequestID?
    let error: ResponseError

    enum Keys: String, CodingKey { case jsonrpc, id, error }

    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("2.0", forKey: .jsonrpc)
        try container.encode(id, forKey: .id)
        try container.encode(error, forKey: .error)
    }
}

/// A notification: `{"jsonrpc":"2.0","method":…,"params":…}`.
struct NotificationMessage<Params: Encodable>: Encodable {
    let jsonrpc = "2.0"
    let method: String
    let params: Params
}
