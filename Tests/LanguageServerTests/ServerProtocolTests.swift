import Foundation
import Testing
@testable import LanguageServer

// MARK: - The server over real pipes: lifecycle, framing robustness, error codes

@Suite("Server protocol")
struct ServerProtocolTests {
    @Test func initializeAdvertisesTheCapabilities() throws {
        let server = TestServer()
        let reply = try server.request("initialize", #"{"processId":1,"capabilities":{},"clientInfo":{"name":"test"}}"#)
        let capabilities = try #require((reply["result"] as? JSONObject)?["capabilities"] as? JSONObject)
        #expect(capabilities["positionEncoding"] as? String == "utf-16")
        #expect((capabilities["textDocumentSync"] as? JSONObject)?["change"] as? Int == 2)
        #expect(capabilities["hoverProvider"] as? Bool == true)
        #expect(capabilities["documentFormattingProvider"] as? Bool == true)
        #expect(capabilities["documentSymbolProvider"] as? Bool == true)
        #expect((capabilities["completionProvider"] as? JSONObject)?["triggerCharacters"] as? [String] == [" ", "\"", "/"])
        #expect(((capabilities["signatureHelpProvider"] as? JSONObject)?["triggerCharacters"] as? [String]) == [" "])
        let legend = (capabilities["semanticTokensProvider"] as? JSONObject)?["legend"] as? JSONObject
        #expect(legend?["tokenTypes"] as? [String] == ["keyword", "string", "number", "comment", "operator", "property", "enumMember"])
        #expect(try server.shutdown() == 0)
    }

    @Test func requestsBeforeInitializeAreRefused() throws {
        let server = TestServer()
        let reply = try server.request("textDocument/hover", TestServer.position("file:///a.ptscript", 0, 0))
        #expect(errorCode(reply) == ResponseError.serverNotInitializedCode)
        try server.initialize()
        #expect(try server.shutdown() == 0)
    }

    @Test func unknownMethodIsMethodNotFoundAndBadParamsAreInvalidParams() throws {
        let server = TestServer()
        try server.initialize()
        #expect(errorCode(try server.request("textDocument/teleport", "{}")) == ResponseError.methodNotFoundCode)
        #expect(errorCode(try server.request("textDocument/hover", #"{"textDocument":{}}"#)) == ResponseError.invalidParamsCode)
        #expect(errorCode(try server.request("textDocument/completion", "42")) == ResponseError.invalidParamsCode)
        #expect(errorCode(try server.request("textDocument/hover")) == ResponseError.invalidParamsCode)
        // A document that was never opened is a bad parameter too.
        #expect(errorCode(try server.request("textDocument/hover", TestServer.position("file:///nope.ptscript", 0, 0)))
                == ResponseError.invalidParamsCode)
        #expect(try server.shutdown() == 0)
    }

    @Test func invalidJSONGetsAParseErrorAndTheServerCarriesOn() throws {
        let server = TestServer()
        try server.initialize()
        server.sendRaw(TestServer.frame(#"{"jsonrpc":"2.0","id":5,"method":"#))
        let reply = try server.nextResponse()
        #expect(errorCode(reply) == ResponseError.parseErrorCode)
        #expect(reply["id"] is NSNull)
        #expect(try server.request("shutdown")["result"] is NSNull)
        server.notify("exit")
        #expect(server.waitForExit() == 0)
    }

    @Test func byteAtATimeWritesAreAnsweredOnce() throws {
        let server = TestServer()
        for byte in TestServer.frame(#"{"jsonrpc":"2.0","id":41,"method":"initialize","params":{"capabilities":{}}}"#) {
            server.sendRaw([byte])
        }
        let reply = try server.response(to: 41)
        #expect(reply["result"] is JSONObject)
        #expect(try server.shutdown() == 0)
    }

    @Test func twoMessagesInOneWriteAreBothAnswered() throws {
        let server = TestServer()
        try server.initialize()
        server.sendRaw(TestServer.frame(#"{"jsonrpc":"2.0","id":100,"method":"nope/one"}"#)
                       + TestServer.frame(#"{"jsonrpc":"2.0","id":101,"method":"nope/two"}"#))
        #expect(errorCode(try server.response(to: 100)) == ResponseError.methodNotFoundCode)
        #expect(errorCode(try server.response(to: 101)) == ResponseError.methodNotFoundCode)
        #expect(try server.shutdown() == 0)
    }

    @Test func malformedHeaderAndAbsurdLengthAreSurvived() throws {
        let server = TestServer()
        try server.initialize()
        server.sendRaw(Array("Content-Lenght 20\r\n\r\n{\"not\":\"framed\"}".utf8))
        #expect(errorCode(try server.nextResponse()) == ResponseError.parseErrorCode)
        server.sendRaw(Array("Content-Length: 99999999999999999999999\r\n\r\n".utf8))
        let refused = try server.nextResponse()
        #expect(errorCode(refused) == ResponseError.parseErrorCode)
        #expect(((refused["error"] as? JSONObject)?["message"] as? String)?.contains("exceeds the limit") == true)
        #expect(errorCode(try server.request("nope/after")) == ResponseError.methodNotFoundCode)
        #expect(try server.shutdown() == 0)
    }

    @Test func exitWithoutShutdownExitsWithOne() throws {
        let server = TestServer()
        try server.initialize()
        server.notify("exit")
        #expect(server.waitForExit() == 1)
    }

    @Test func requestsAfterShutdownAreInvalid() throws {
        let server = TestServer()
        try server.initialize()
        _ = try server.request("shutdown")
        #expect(errorCode(try server.request("textDocument/hover", TestServer.position("file:///a", 0, 0))) == ResponseError.invalidRequestCode)
        server.notify("exit")
        #expect(server.waitForExit() == 0)
    }
}
