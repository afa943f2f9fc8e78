import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - JSON-RPC over a pair of file descriptors
//
// Blocking reads into the framer, one message at a time; every write is one framed message.
// Single-threaded by design: the server answers messages in the order they arrive, so a
// `didChange` is always applied before the request that follows it.

/// Reads JSON-RPC messages from `input` and writes framed responses and notifications to `output`.
public final class JSONRPCConnection {
    private let input: Int32
    private let output: Int32
    private var framer: MessageFramer
    private var endOfInput = false
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Wraps two open file handles (they stay owned by the caller).
    public init(input: FileHandle, output: FileHandle,
                maximumContentLength: Int = MessageFramer.defaultMaximumContentLength) {
        self.input = input.fileDescriptor
        self.output = output.fileDescriptor
        self.framer = MessageFramer(maximumContentLength: maximumContentLength)
    }

    // MARK: - Reading

    /// The next message, blocking until one is complete; nil once the input is closed.
    /// Framing errors come back as `.invalid` parse errors so the caller can answer them.
    public func nextMessage() -> IncomingMessage? {
        while true {
            if let frame = framer.next() {
                switch frame {
                case .message(let body): return IncomingMessage.decode(body)
                case .malformed(let error): return .invalid(id: nil, error: .parseError(error.description))
                }
            }
            guard !endOfInput, readMore() else { return nil }
        }
    }

    private func readMore() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count > 0 {
                framer.append(chunk[0..<count])
                return true
            }
            if count < 0, errno == EINTR { continue }
            endOfInput = true
            return false
        }
    }

    // MARK: - Writing

    /// Sends a successful response.
    public func reply<Result: Encodable>(to id: RequestID, result: Result) {
        do {
            try send(encoder.encode(ResponseMessage(id: id, result: result)))
        } catch {
            reply(to: id, error: .internalError("could not encode the result: \(error)"))
        }
    }

    /// Sends an error response (`id` nil when the request's id is unknown).
    public func reply(to id: RequestID?, error: ResponseError) {
        // Encoding two strings and an int cannot fail; `try?` keeps the signature non-throwing.
        if let data = try? encoder.encode(ErrorResponseMessage(id: id, error: error)) { send(data) }
    }

    /// Sends a notification.
    public func notify<Params: Encodable>(_ method: String, params: Params) {
        if let data = try? encoder.encode(NotificationMessage(method: method, params: params)) { send(data) }
    }

    private func send(_ body: Data) {
        var message = Array("Content-Length: \(body.count)\r\n\r\n".utf8)
        message.append(contentsOf: body)
        var offset = 0
        while offset < message.count {
            let written = message.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written > 0 {
                offset += written
            } else if written < 0, errno == EINTR {
                continue
            } else {
                return  // the client has gone (EPIPE); the read side will see end of input
            }
        }
    }
}
