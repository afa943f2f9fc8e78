import Foundation
import Testing
@testable import LanguageServer
#if canImport(Glibc)
import Glibc
#endif

// MARK: - A server on a thread, a client on pipes
//
// The client and the server run in one process but talk over real pipes with real framing, so
// every test goes through Content-Length headers, partial reads and the JSON-RPC layer exactly
// as an editor would. Reads have a timeout so a server that hangs fails the test instead of
// hanging it.

/// A JSON object received from the server.
typealias JSONObject = [String: Any]

/// Thrown when the server does not answer in time or answers nonsense.
struct TestClientError: Error, CustomStringConvertible {
    let description: String
}

/// Holds the server's exit code across threads.
final class ExitCodeBox: @unchecked Sendable {
    // Written once by the server thread before `done` is signalled, read after waiting on it.
    var code: Int32?
    let done = DispatchSemaphore(value: 0)
}

/// A language server running on a background thread, driven through pipes.
final class TestServer {
    private let toServer = Pipe()
    private let fromServer = Pipe()
    private var framer = MessageFramer()
    private let exit = ExitCodeBox()
    private var nextID = 1
    /// Notifications received while waiting for responses, oldest first.
    private(set) var notifications: [JSONObject] = []

    init() {
        let input = toServer.fileHandleForReading
        let output = fromServer.fileHandleForWriting
        let exit = self.exit
        let thread = Thread {
            exit.code = LanguageServerMain.run(input: input, output: output)
            exit.done.signal()
        }
        thread.start()
    }

    deinit {
        closeInput()
        _ = exit.done.wait(timeout: .now() + 5)
        try? fromServer.fileHandleForReading.close()
    }

    // MARK: - Sending

    /// Writes raw bytes to the server's stdin.
    func sendRaw(_ bytes: [UInt8]) {
        toServer.fileHandleForWriting.write(Data(bytes))
    }

    /// Closes the server's stdin (the server then sees end of input).
    func closeInput() {
        try? toServer.fileHandleForWriting.close()
    }

    /// A framed message.
    static func frame(_ json: String) -> [UInt8] {
        Array("Content-Length: \(json.utf8.count)\r\n\r\n".utf8) + Array(json.utf8)
    }

    /// Sends a request with params given as JSON text; returns its id.
    @discardableResult
    func sendRequest(_ method: String, _ params: String? = nil) -> Int {
        let id = nextID
        nextID += 1
        let paramsMember = params.map { ",\"params\":\($0)" } ?? ""
        sendRaw(Self.frame("{\"jsonrpc\":\"2.0\",\"id\":\(id),\"method\":\"\(method)\"\(paramsMember)}"))
        return id
    }

    /// Sends a notification.
    func notify(_ method: String, _ params: String? = nil) {
        let paramsMember = params.map { ",\"params\":\($0)" } ?? ""
        sendRaw(Self.frame("{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\"\(paramsMember)}"))
    }

    /// Sends a request and waits for its response.
    func request(_ method: String, _ params: String? = nil) throws -> JSONObject {
        try response(to: sendRequest(method, params))
    }

    /// `initialize` + `initialized`.
    func initialize() throws {
        let reply = try request("initialize", #"{"processId":null,"rootUri":null,"capabilities":{}}"#)
        guard reply["result"] != nil else { throw TestClientError(description: "initialize failed: \(reply)") }
        notify("initialized", "{}")
    }

    /// Opens a document and returns the diagnostics published for it.
    @discardableResult
    func open(_ uri: String, _ text: String, version: Int = 1) throws -> [JSONObject] {
        notify("textDocument/didOpen", """
            {"textDocument":{"uri":\(Self.quote(uri)),"languageId":"ptscript","version":\(version),"text":\(Self.quote(text))}}
            """)
        return try diagnostics(for: uri)
    }

    /// `shutdown` then `exit`; returns the server's exit code.
    func shutdown() throws -> Int32? {
        _ = try request("shutdown")
        notify("exit")
        return waitForExit()
    }

    /// Waits for the server thread to finish and returns its exit code.
    func waitForExit() -> Int32? {
        guard exit.done.wait(timeout: .now() + 10) == .success else { return nil }
        exit.done.signal()  // deinit waits too
        return exit.code
    }

    // MARK: - Receiving

    /// The next message from the server.
    func receive(timeout: Double = 20) throws -> JSONObject {
        let deadline = Date().addingTimeInterval(timeout)
        let fd = fromServer.fileHandleForReading.fileDescriptor
        while true {
            if let frame = framer.next() {
                guard case .message(let body) = frame,
                      let object = try JSONSerialization.jsonObject(with: Data(body)) as? JSONObject else {
                    throw TestClientError(description: "server sent a bad frame: \(frame)")
                }
                return object
            }
            let remaining = Int32(max(0, deadline.timeIntervalSinceNow * 1000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, remaining) > 0 else { throw TestClientError(description: "no message within \(timeout) s") }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard count > 0 else { throw TestClientError(description: "the server closed its output") }
            framer.append(chunk[0..<count])
        }
    }

    /// Waits for the response with `id`, keeping notifications that arrive first.
    func response(to id: Int) throws -> JSONObject {
        while true {
            let message = try receive()
            if message["method"] != nil { notifications.append(message); continue }
            if (message["id"] as? Int) == id { return message }
            throw TestClientError(description: "expected the response to \(id), found \(message)")
        }
    }

    /// Waits for the next response, whatever its id (for error responses with a null id).
    func nextResponse() throws -> JSONObject {
        while true {
            let message = try receive()
            if message["method"] != nil { notifications.append(message); continue }
            return message
        }
    }

    /// The next `publishDiagnostics` for `uri`.
    func diagnostics(for uri: String) throws -> [JSONObject] {
        if let index = notifications.firstIndex(where: { Self.isDiagnostics($0, uri) }) {
            let found = notifications.remove(at: index)
            return ((found["params"] as? JSONObject)?["diagnostics"] as? [JSONObject]) ?? []
        }
        while true {
            let message = try receive()
            if Self.isDiagnostics(message, uri) {
                return ((message["params"] as? JSONObject)?["diagnostics"] as? [JSONObject]) ?? []
            }
            notifications.append(message)
        }
    }

    private static func isDiagnostics(_ message: JSONObject, _ uri: String) -> Bool {
        message["method"] as? String == "textDocument/publishDiagnostics" && (message["params"] as? JSONObject)?["uri"] as? String == uri
    }

    // MARK: - JSON helpers

    /// A JSON string literal.
    static func quote(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        let array = String(decoding: data, as: UTF8.self)
        return String(array.dropFirst().dropLast())
    }

    /// `{"textDocument":{"uri":…},"position":{…}}`.
    static func position(_ uri: String, _ line: Int, _ character: Int) -> String {
        #"{"textDocument":{"uri":\#(quote(uri))},"position":{"line":\#(line),"character":\#(character)}}"#
    }
}

/// The error code of a response, or nil.
func errorCode(_ response: JSONObject) -> Int? {
    (response["error"] as? JSONObject)?["code"] as? Int
}

/// `[line, character]` of a range's start and end.
func rangeTuple(_ object: Any?) -> [Int] {
    guard let range = object as? JSONObject, let start = range["start"] as? JSONObject, let end = range["end"] as? JSONObject,
          let a = start["line"] as? Int, let b = start["character"] as? Int,
          let c = end["line"] as? Int, let d = end["character"] as? Int else { return [] }
    return [a, b, c, d]
}
