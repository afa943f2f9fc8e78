import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Entry point
//
// `ptune lsp`: LSP 3.17 over stdio for .ptscript files, in three layers —
// Transport/ (Content-Length framing, JSON-RPC; knows no methods), Protocol/ (one typed message
// per method, one file per method family), Server/ (dispatch, open documents, and the
// .ptscript service that answers from a document snapshot with PTScript's engines).

/// The language server's entry point.
public enum LanguageServerMain {
    /// Serves LSP on `input`/`output` until `exit` or the end of input. Returns the exit code the
    /// protocol asks for: 0 after `shutdown` then `exit`, 1 otherwise.
    public static func run(input: FileHandle, output: FileHandle) -> Int32 {
        // A client that closes its end must not kill the server mid-write; the write fails instead.
        signal(SIGPIPE, SIG_IGN)
        let connection = JSONRPCConnection(input: input, output: output)
        return ScriptLanguageServer(connection: connection).run()
    }
}
