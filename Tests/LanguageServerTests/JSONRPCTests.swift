import Foundation
import Testing
@testable import LanguageServer

// MARK: - JSON-RPC classification

@Suite("JSON-RPC")
struct JSONRPCTests {
    private func decode(_ json: String) -> IncomingMessage { IncomingMessage.decode(Array(json.utf8)) }

    @Test func invalidJSONIsAParseError() {
        guard case .invalid(nil, let error) = decode(#"{"jsonrpc":"2.0","id":1,"method":"#) else {
            Issue.record("expected an invalid message")
            return
        }
        #expect(error.code == ResponseError.parseErrorCode)
    }

    @Test func nonObjectsAndWrongVersionsAreInvalidRequests() {
        for json in ["[1,2]", "42", #"{"jsonrpc":"1.0","id":3,"method":"x"}"#, #"{"jsonrpc":"2.0","id":true,"method":"x"}"#] {
            guard case .invalid(_, let error) = decode(json) else {
                Issue.record("expected an invalid message for \(json)")
                continue
            }
            #expect(error.code == ResponseError.invalidRequestCode, "for \(json): \(error)")
        }
    }

    @Test func requestsNotificationsAndResponsesAreTold() throws {
        guard case .request(.string("a-1"), "textDocument/hover", let params) = decode(
            #"{"jsonrpc":"2.0","id":"a-1","method":"textDocument/hover","params":{"textDocument":{"uri":"u"},"position":{"line":2,"character":5}}}"#
        ) else {
            Issue.record("expected a request")
            return
        }
        let typed = try params.decode(TextDocumentPositionParams.self)
        #expect(typed.position == Position(line: 2, character: 5))
        guard case .notification("initialized", _) = decode(#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#) else {
            Issue.record("expected a notification")
            return
        }
        guard case .response(.number(7)) = decode(#"{"jsonrpc":"2.0","id":7,"result":null}"#) else {
            Issue.record("expected a response")
            return
        }
    }

    @Test func paramsOfTheWrongShapeFailToDecodeWithAPath() {
        guard case .request(_, _, let params) = decode(#"{"jsonrpc":"2.0","id":1,"method":"m","params":{"textDocument":{"uri":"u"},"position":{"line":"two","character":0}}}"#) else {
            Issue.record("expected a request")
            return
        }
        #expect(throws: DecodingError.self) { try params.decode(TextDocumentPositionParams.self) }
        do {
            _ = try params.decode(TextDocumentPositionParams.self)
        } catch {
            #expect(IncomingMessage.describe(error).contains("position.line"), "\(IncomingMessage.describe(error))")
        }
    }
}
