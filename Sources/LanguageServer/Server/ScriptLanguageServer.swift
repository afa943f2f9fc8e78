import Foundation

// MARK: - Dispatch
//
// The lifecycle state machine and the method table. Each method is registered by its typed
// message (Protocol/), so decoding params and encoding results happens here, once, and the
// service below sees Swift values only. Messages are handled one at a time, in order.

/// The `.ptscript` language server: reads messages from a connection until `exit`.
final class ScriptLanguageServer {
    private enum State {
        /// Only `initialize` (and `exit`) are accepted.
        case uninitialized
        /// Normal operation.
        case running
        /// After `shutdown`: only `exit` is accepted.
        case shutDown
    }

    private let connection: JSONRPCConnection
    private let service = ScriptService()
    private var state = State.uninitialized
    private var documents = DocumentStore()
    private var requests: [String: (RequestID, MessageParams) -> Void] = [:]
    private var notifications: [String: (MessageParams) -> Void] = [:]

    init(connection: JSONRPCConnection) {
        self.connection = connection
        registerMethods()
    }

    /// Serves until `exit` or the end of input; the exit code LSP asks for (0 only after `shutdown`).
    func run() -> Int32 {
        while let message = connection.nextMessage() {
            switch message {
            case .request(let id, let method, let params):
                handleRequest(id, method, params)
            case .notification(let method, let params):
                if method == ExitNotification.method { return state == .shutDown ? 0 : 1 }
                handleNotification(method, params)
            case .response:
                continue  // the server sends no requests, so there is nothing to match
            case .invalid(let id, let error):
                connection.reply(to: id, error: error)
            }
        }
        return state == .shutDown ? 0 : 1
    }

    // MARK: - Routing

    private func handleRequest(_ id: RequestID, _ method: String, _ params: MessageParams) {
        switch state {
        case .uninitialized where method != InitializeRequest.method:
            connection.reply(to: id, error: .serverNotInitialized)
        case .running where method == InitializeRequest.method:
            connection.reply(to: id, error: .invalidRequest("expected one 'initialize', found a second"))
        case .shutDown:
            connection.reply(to: id, error: .invalidRequest("expected 'exit' after 'shutdown', found '\(method)'"))
        default:
            guard let handler = requests[method] else {
                connection.reply(to: id, error: .methodNotFound(method))
                return
            }
            handler(id, params)
        }
    }

    private func handleNotification(_ method: String, _ params: MessageParams) {
        // Before `initialize` notifications are dropped (LSP); unknown ones (`$/…` included) are ignored.
        guard state == .running, let handler = notifications[method] else { return }
        handler(params)
    }

    private func register<R: LSPRequest>(_ request: R.Type, _ body: @escaping (R.Params) throws -> R.Result) {
        requests[R.method] = { [unowned self] id, raw in
            let params: R.Params
            do {
                params = try R.Params.self == EmptyParams.self ? EmptyParams() as! R.Params : raw.decode(R.Params.self)
            } catch {
                connection.reply(to: id, error: .invalidParams("invalid params for '\(R.method)': \(IncomingMessage.describe(error))"))
                return
            }
            do {
                connection.reply(to: id, result: try body(params))
            } catch let error as ResponseError {
                connection.reply(to: id, error: error)
            } catch let error as DocumentError {
                connection.reply(to: id, error: .invalidParams(error.description))
            } catch {
                connection.reply(to: id, error: .internalError("\(error)"))
            }
        }
    }

    private func register<N: LSPNotification>(_ notification: N.Type, _ body: @escaping (N.Params) throws -> Void) {
        // A notification has no reply, so params of the wrong shape (or an unknown document) are dropped.
        notifications[N.method] = { raw in
            guard let params = try? raw.decode(N.Params.self) else { return }
            try? body(params)
        }
    }

    // MARK: - Methods

    private func registerMethods() {
        register(InitializeRequest.self) { [unowned self] _ in
            state = .running
            return InitializeResult(capabilities: ServerCapabilities(), serverInfo: ClientInfo(name: "ptune", version: "0.1"))
        }
        register(ShutdownRequest.self) { [unowned self] _ in
            state = .shutDown
            return NullResult()
        }
        register(DidOpenTextDocumentNotification.self) { [unowned self] params in
            publishDiagnostics(documents.open(params.textDocument))
        }
        register(DidChangeTextDocumentNotification.self) { [unowned self] params in
            let document = params.textDocument
            publishDiagnostics(try documents.change(document.uri, version: document.version, params.contentChanges))
        }
        register(DidCloseTextDocumentNotification.self) { [unowned self] params in
            documents.close(params.textDocument.uri)
            connection.notify(PublishDiagnosticsNotification.method,
                              params: PublishDiagnosticsParams(uri: params.textDocument.uri, version: nil, diagnostics: []))
        }
        register(CompletionRequest.self) { [unowned self] params in
            service.completion(try documents.snapshot(params.textDocument.uri), at: params.position)
        }
        register(HoverRequest.self) { [unowned self] params in
            service.hover(try documents.snapshot(params.textDocument.uri), at: params.position)
        }
        register(SignatureHelpRequest.self) { [unowned self] params in
            service.signatureHelp(try documents.snapshot(params.textDocument.uri), at: params.position)
        }
        register(DocumentSymbolRequest.self) { [unowned self] params in
            service.documentSymbols(try documents.snapshot(params.textDocument.uri))
        }
        register(SemanticTokensRequest.self) { [unowned self] params in
            service.semanticTokens(try documents.snapshot(params.textDocument.uri))
        }
        register(DocumentFormattingRequest.self) { [unowned self] params in
            service.format(try documents.snapshot(params.textDocument.uri))
        }
    }

    private func publishDiagnostics(_ snapshot: DocumentSnapshot) {
        connection.notify(PublishDiagnosticsNotification.method,
                          params: PublishDiagnosticsParams(uri: snapshot.uri, version: snapshot.version,
                                                           diagnostics: service.diagnostics(snapshot)))
    }
}
