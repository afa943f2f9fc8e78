import Foundation
import Testing
@testable import LanguageServer

// MARK: - Never crash, never hang; a 1 MB document

@Suite("Robustness")
struct RobustnessTests {
    /// Deterministic garbage: a fixed byte pattern with every byte value, newlines and braces.
    private static func garbage(_ count: Int) -> [UInt8] {
        (0..<count).map { i in UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 13) }
    }

    @Test func garbageThenAValidRequestIsStillAnswered() throws {
        let server = TestServer()
        try server.initialize()
        server.sendRaw(Self.garbage(200_000))
        server.sendRaw(TestServer.frame(#"{"jsonrpc":"2.0","id":9000,"method":"shutdown"}"#))
        // Any number of parse errors may come first; the shutdown must be answered.
        while true {
            let message = try server.nextResponse()
            if message["id"] as? Int == 9000 { #expect(message["result"] is NSNull); break }
            #expect(errorCode(message) == ResponseError.parseErrorCode, "\(message)")
        }
        server.notify("exit")
        #expect(server.waitForExit() == 0)
    }

    @Test func framerSurvivesGarbageInEveryChunking() {
        let bytes = Self.garbage(50_000) + TestServer.frame("{}")
        for chunk in [1, 7, 4096, 50_002] {
            var framer = MessageFramer()
            var messages = 0
            var index = 0
            while index < bytes.count {
                framer.append(bytes[index..<min(index + chunk, bytes.count)])
                index += chunk
                while let frame = framer.next() { if case .message = frame { messages += 1 } }
            }
            #expect(messages >= 1, "chunk \(chunk): the trailing message was lost")
            #expect(framer.pendingByteCount < MessageFramer.maximumHeaderLength + chunk, "chunk \(chunk)")
        }
    }

    @Test func endOfInputWithoutExitEndsTheServer() throws {
        let server = TestServer()
        try server.initialize()
        server.sendRaw(Array("Content-Length: 500\r\n\r\n{\"jsonrpc\"".utf8))  // cut off mid-body
        server.closeInput()
        #expect(server.waitForExit() == 1)
    }

    /// ~1 MB of script with one typo every 200 blocks; the time goes to the test log (not asserted).
    @Test func aOneMegabyteDocumentIsDiagnosed() throws {
        var text = ""
        var typos = 0
        var block = 0
        while text.utf8.count < 1_000_000 {
            text += """
                ## Block \(block)
                load
                pairs add "The soup was cold 😀 日本語" -> "negative"
                set learning_rate 0.3
                init "Classify the sentiment of this review:"
                train 5
                ask "Best pizza in town!"

                """
            if block % 200 == 0 {
                text += "trian 5\n"
                typos += 1
            }
            block += 1
        }
        let snapshot = DocumentSnapshot(uri: "untitled:big.ptscript", version: 1, text: text)
        let service = ScriptService()
        _ = service.diagnostics(snapshot)  // warm up
        let clock = ContinuousClock()
        var diagnostics: [LSPDiagnostic] = []
        var serviceTime = Duration.seconds(1_000)
        var serviceCPU = Double.infinity  // ms of this thread's CPU: meaningful on a busy machine too
        for _ in 0..<3 {
            var cpu = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
            let cpuStart = Double(cpu.tv_sec) * 1e3 + Double(cpu.tv_nsec) / 1e6
            var result: [LSPDiagnostic] = []
            serviceTime = min(serviceTime, clock.measure { result = service.diagnostics(snapshot) })
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu)
            serviceCPU = min(serviceCPU, Double(cpu.tv_sec) * 1e3 + Double(cpu.tv_nsec) / 1e6 - cpuStart)
            diagnostics = result
        }
        #expect(diagnostics.count == typos)
        #expect(diagnostics.allSatisfy { $0.code == "PT0020" })

        let server = TestServer()
        try server.initialize()
        let start = clock.now
        let published = try server.open("untitled:big.ptscript", text)
        let roundTrip = clock.now - start
        #expect(published.count == typos)
        print("[benchmark] 1 MB document (\(text.utf8.count) bytes, \(snapshot.source.lineCount) lines): "
              + "service diagnostics \(serviceTime) (" + String(format: "%.1f ms CPU", serviceCPU) + ", best of 3), didOpen → publishDiagnostics over pipes \(roundTrip)")
        #expect(try server.shutdown() == 0)
    }
}
