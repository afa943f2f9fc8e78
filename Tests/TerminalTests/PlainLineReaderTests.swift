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

// The process's SIGINT flags are shared with every other suite in this test process (a training
// run in a Studio test polls them), so these tests never raise SIGINT or touch
// `InterruptState.process`: they drive private flag sets. The real signal path (handler → process
// flags → REPL) needs a child process; see Docs/reliability/faults.md for its pty test's state.
@Suite("Interrupts")
struct InterruptsTests {
    @Test func requestsInsideWorkAreCountedAndTheThirdStopsTheProcess() {
        let state = InterruptState()
        let verdicts = state.whileRunning { () -> [Bool] in
            #expect(state.isRunningWork)
            #expect(!state.isRequested)
            let first = state.signalArrived()
            #expect(state.isRequested)
            return [first, state.signalArrived(), state.signalArrived()]
        }
        #expect(verdicts == [false, false, true])
        #expect(!state.isRequested)  // cleared on leaving the scope
        #expect(!state.isRunningWork)
    }

    @Test func outsideWorkARequestIsRecordedForTheReplOrStopsAScript() {
        let repl = InterruptState()
        #expect(repl.signalArrived() == false)
        #expect(repl.isRequested)
        repl.clear()
        #expect(!repl.isRequested)

        let script = InterruptState()
        script.terminatesOutsideWork = true
        #expect(script.signalArrived() == true)
        #expect(script.whileRunning { script.signalArrived() } == false)  // inside work it only asks
    }

    @Test func aRequestJustBeforeWorkStartsStopsItAndIsClearedAfter() {
        // ^C pressed after Enter but before the command's work began: the work must see it.
        let state = InterruptState()
        state.request()
        let seen = state.whileRunning { state.isRequested }
        #expect(seen)
        #expect(!state.isRequested)
    }

    @Test func nestedScopesShareOneAndOnlyTheOutermostClears() {
        let state = InterruptState()
        let innerSaw = state.whileRunning { () -> Bool in
            state.request()
            return state.whileRunning { state.isRequested }
        }
        #expect(innerSaw)  // the inner scope did not clear the outer work's request
        #expect(!state.isRequested)
    }

    @Test func plainReaderReturnsInterruptedWhenASignalWakesItWithARequest() throws {
        let state = InterruptState()
        installWakeUpSignal()
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)  // the write end stays open: the reader blocks in poll
        defer { close(fds[0]); close(fds[1]) }
        let reader = PlainLineReader(fileDescriptor: fds[0], interrupts: state)
        let box = UncheckedBox(reader)
        let thread = ReaderThreadState()
        Thread.detachNewThread {
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, SIGUSR1)
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
            thread.setThread(pthread_self())
            thread.finish(box.value.readLine(prompt: ""))
        }
        // a wake-up without a request is ignored: the reader keeps waiting
        for _ in 0..<100 where thread.thread == nil { usleep(1_000) }
        if let t = thread.thread { pthread_kill(t, SIGUSR1) }
        #expect(thread.wait(seconds: 0.1) == nil)
        // with a request, the next wake-up ends the read (keep signalling: one may beat poll)
        state.request()
        var result: LineEditorResult?
        for _ in 0..<100 {
            if let t = thread.thread { pthread_kill(t, SIGUSR1) }
            result = thread.wait(seconds: 0.05)
            if result != nil { break }
        }
        #expect(result == .interrupted)
        #expect(!state.isRequested)  // the reader consumed it
    }
}

/// A no-op SIGUSR1 handler without SA_RESTART: the signal only wakes a blocked poll(2) with EINTR,
/// standing in for SIGINT without touching the process's interrupt flags.
private func installWakeUpSignal() {
    var action = sigaction()
    #if canImport(Glibc)
    action.__sigaction_handler.sa_handler = { _ in }
    #else
    action.__sigaction_u.__sa_handler = { _ in }
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(SIGUSR1, &action, nil)
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
