// MARK: - JSON-RPC errors and request ids

/// A request id: JSON-RPC allows a number or a string.
public enum RequestID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A numeric id.
    case number(Int)
    /// A string id.
    case string(String)

    /// Decodes a number or a string; anything else is a type mismatch.
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    /// Encodes the number or string as it came.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        }
    }

    /// The id as written in JSON.
    public var description: String {
        switch self {
        case .number(let n): String(n)
        case .string(let s): "\"\(s)\""
        }
    }
}

/// The error object of a JSON-RPC response.
public struct ResponseError: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    /// The error code (JSON-RPC's or LSP's reserved ranges).
    public let code: Int
    /// One line saying what went wrong.
    public let message: String

    /// Creates an error with a code and a message.
    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }

    /// `message (code)`.
    public var description: String { "\(message) (\(code))" }

    // MARK: Codes

    /// -32700: the body was not valid JSON (or the framing around it was broken).
    public static let parseErrorCode = -32700
    /// -32600: valid JSON, but not a JSON-RPC request or notification.
    public static let invalidRequestCode = -32600
    /// -32601: the method is not known.
    public static let methodNotFoundCode = -32601
    /// -32602: the params do not have the method's shape.
    public static let invalidParamsCode = -32602
    /// -32603: the server failed while answering.
    public static let internalErrorCode = -32603
    /// -32002: a request arrived before `initialize`.
    public static let serverNotInitializedCode = -32002
    /// -32803: the request was understood but could not be answered (e.g. unknown document).
    public static let requestFailedCode = -32803

    /// A parse error.
    public static func parseError(_ message: String) -> ResponseError { ResponseError(code: parseErrorCode, message: message) }
    /// An invalid request.
    public static func invalidRequest(_ message: String) -> ResponseError { ResponseError(code: invalidRequestCode, message: message) }
    /// An unknown method.
    public static func methodNotFound(_ method: String) -> ResponseError {
        ResponseError(code: methodNotFoundCode, message: "method not found: '\(method)'")
    }
    /// Params of the wrong shape.
    public static func invalidParams(_ message: String) -> ResponseError { ResponseError(code: invalidParamsCode, message: message) }
    /// A server-side failure.
    public static func internalError(_ message: String) -> ResponseError { ResponseError(code: internalErrorCode, message: message) }
    /// A request before `initialize`.
    public static let serverNotInitialized = ResponseError(code: serverNotInitializedCode,
                                                           message: "expected 'initialize' first, found another request")
    /// A request the server understood but could not answer.
    public static func requestFailed(_ message: String) -> ResponseError { ResponseError(code: requestFailedCode, message: message) }
}
