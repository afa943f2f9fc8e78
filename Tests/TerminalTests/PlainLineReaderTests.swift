// The plain reader on real pipes, and the SIGINT flag it shares with long-running work.
import Foundation
import Testing
@testable import Terminal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe whose write end is filled with `text` and closed.
func pipeReading(_ text: String) -> Int32 {
    var fds: [Int32] = [0, 0]
    precondition(pipe(&fds) == 0)
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(fds[1], $0.baseAddress! + offset, $0.count - offset) }
        precondition(n > 0)
        offset += n
    }
    close(fds[1])
    return fds[0]
}

/// Every result until the end of input.
func readAll(_ reader: PlainLineReader) -> [LineEditorResult] {
    var results: [LineEditorResult] = []
    while true {
        let r = reader.readLine(prompt: "> ")
        results.append(r)
        if r == .endOfInput || results.count > 10_000 { return results }
    }
}

@Suite("PlainLineReader")
struct PlainLineReaderTests {
    @Test func readsLinesStripsCarriageReturnsAndKeepsTheLastUnterminatedLine() {
        let fd = pipeReading("load\r\npairs \"a.jsonl\"\n\ntrain 5")
        defer { close(fd) }
        let results = readAll(PlainLineReader(fileDescriptor: fd))
        #expect(results == [.line("load"), .line("pairs \"a.jsonl\""), .line(""), .line("train 5"), .endOfInput])
    }

    @Test func emptyInputEndsImmediatelyAndStaysEnded() {
        let fd = pipeReading("")
        defer { close(fd) }
        let reader = PlainLineReader(fileDescriptor: fd)
        #expect(reader.readLine(prompt: "") == .endOfInput)
        #expect(reader.readLine(prompt: "") == .endOfInput)
    }

    @Test func longLinesWithMultibyteCharactersSurviveChunkBoundaries() {
        // 3-byte characters straddle the reader's 4096-byte chunks
        let long = String(repeating: "日本語", count: 2000)
        let fd = pipeReading(long + "\n" + "ok\n")
        defer { close(fd) }
        let results = readAll(PlainLineReader(fileDescriptor: fd))
        #expect(results == [.line(long), .line("ok"), .endOfInput])
    }

    @Test func promptGoesToThePromptOutputOnlyWhenGiven() {
        let fd = pipeReading("a\nb\n")
        defer { close(fd) }
        let prompts = CapturedOutput()
        let reader = PlainLineReader(fileDescriptor: fd, promptOutput: prompts)
        _ = reader.readLine(prompt: "ptune> ")
        _ = reader.readLine(prompt: "...> ")
        #expect(prompts.text == "ptune> ...> ")
    }

    @Test func historyIsKeptInMemoryWithoutDuplicates() {
        let reader = PlainLineReader(fileDescriptor: pipeReading(""))
        defer { close(reader.fileDescriptor) }
        reader.addHistory("load")
        reader.addHistory("load")
        reader.addHistory("  ")
        reader.addHistory("train 3")
        #expect(reader.history.entries == ["load", "train 3"])
    }
}

// SIGINT is process-wide state, so everything that raises it runs in one serialized suite.
@Suite("Interrupts", .serialized)
struct InterruptsTests {
    @Test func controlCInsideWorkSetsTheFlagAndLeavingTheScopeClearsIt() {
        Interrupts.install()
        Interrupts.clear()
        let seenInside = Interrupts.whileRunning { () -> Bool in
            #expect(Interrupts.isRunningWork)
            #expect(!Interrupts.isRequested)
            raise(SIGINT)  // delivered synchronously to this thread
            return Interrupts.isRequested
        }
        #expect(seenInside)
        #expect(!Interrupts.isRequested)
        #expect(!Interrupts.isRunningWork)
    }

    @Test func controlCOutsideWorkIsRecordedForTheReplWhenNotTerminating() {
        Interrupts.install(terminateOutsideWork: false)
        Interrupts.clear()
        raise(SIGINT)
        #expect(Interrupts.isRequested)
        Interrupts.clear()
        #expect(!Interrupts.isRequested)
    }

    @Test func whileRunningClearsAStaleRequestBeforeStarting() {
        Interrupts.install()
        Interrupts.request()
        let stale = Interrupts.whileRunning { Interrupts.isRequested }
        #expect(!stale)
    }

    @Test func plainReaderReturnsInterruptedWhenSigintArrivesWhileWaiting() throws {
        Interrupts.install()
        Interrupts.clear()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)  // the write end stays open: the reader blocks in poll
        defer { close(fds[0]); close(fds[1]) }
        let reader = PlainLineReader(fileDescriptor: fds[0])
        let box = UncheckedBox(reader)
        let state = ReaderThreadState()
        Thread.detachNewThread {
            Interrupts.install()  // unblocks SIGINT on this thread too
            state.setThread(pthread_self())
            state.finish(box.value.readLine(prompt: ""))
        }
        // keep signalling the reader thread until it returns (the first signal may beat poll)
        var result: LineEditorResult?
        for _ in 0..<100 {
            if let thread = state.thread { pthread_kill(thread, SIGINT) }
            result = state.wait(seconds: 0.05)
            if result != nil { break }
        }
        #expect(result == .interrupted)
        Interrupts.clear()
    }
}

/// Hand-off between the test and the reader thread (guarded by a lock).
final class ReaderThreadState: @unchecked Sendable {
    private let lock = NSLock()
    private var storedThread: pthread_t?
    private var result: LineEditorResult?
    private let done = DispatchSemaphore(value: 0)

    var thread: pthread_t? { lock.withLock { storedThread } }
    func setThread(_ t: pthread_t) { lock.withLock { storedThread = t } }
    func finish(_ r: LineEditorResult) {
        lock.withLock { result = r }
        done.signal()
    }
    func wait(seconds: Double) -> LineEditorResult? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { result }
    }
}
