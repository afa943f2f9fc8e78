// ^C during long work (train, ask) asks the worker to stop at its next step boundary instead of
// killing the process and losing the session.
import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A set of interrupt flags: how many stop requests arrived, whether long work is running, and
/// whether a request outside work stops the process.
///
/// The process has one (`InterruptState.process`), written by the SIGINT handler; tests make their
/// own so that they never disturb other work running in the same process (a test runner runs
/// suites in parallel, and a stray request would stop another test's training run).
/// Every access goes through lock-free C atomics on memory that never moves, because the signal
/// handler may run on any thread at any instruction.
public final class InterruptState: @unchecked Sendable {
    // MARK: - Flags

    static let requestIndex = 0  // number of requests since the last clear()
    static let runningIndex = 1  // > 0 while inside whileRunning
    static let terminateIndex = 2  // 1: a request outside work stops the process

    /// The presses that make the handler give up on a worker and stop the process.
    public static let pressesToForceQuit: Int32 = 3

    /// The flag words (3 × Int32); never moved, freed only by private instances.
    let flags: UnsafeMutablePointer<Int32>
    private let ownsFlags: Bool

    /// A private set of flags (for tests and embedders), all clear.
    public convenience init() {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
        p.initialize(repeating: 0, count: 3)
        self.init(flags: p, owns: true)
    }

    private init(flags: UnsafeMutablePointer<Int32>, owns: Bool) {
        self.flags = flags
        self.ownsFlags = owns
    }

    deinit {
        if ownsFlags { flags.deallocate() }
    }

    /// The process's flags, the ones the SIGINT handler writes.
    public static let process = InterruptState(flags: processFlags, owns: false)

    // MARK: - Querying

    /// Whether a stop was requested since the last `clear()`.
    public var isRequested: Bool { ptune_atomic_load(flags + Self.requestIndex) > 0 }

    /// Forgets earlier requests.
    public func clear() {
        ptune_atomic_store(flags + Self.requestIndex, 0)
    }

    /// Marks a stop as requested, exactly as a ^C inside work would.
    public func request() {
        _ = ptune_atomic_add(flags + Self.requestIndex, 1)
    }

    /// Whether some caller is inside `whileRunning { }`.
    public var isRunningWork: Bool { ptune_atomic_load(flags + Self.runningIndex) > 0 }

    /// Whether a request outside work stops the process (scripts) or is only recorded (the REPL).
    public var terminatesOutsideWork: Bool {
        get { ptune_atomic_load(flags + Self.terminateIndex) != 0 }
        set { ptune_atomic_store(flags + Self.terminateIndex, newValue ? 1 : 0) }
    }

    // MARK: - Scoped work

    /// Runs `body` (long work: train, ask) with a request turned into a stop that the body polls
    /// through `isRequested`. A request made since the caller's last `clear()` counts — the REPL
    /// clears when it accepts a line, so a ^C pressed just after Enter, before the work has
    /// started, still stops it. The request is cleared after, so a ^C aimed at this work never
    /// leaks into the next prompt. Nested calls share one scope.
    public func whileRunning<T>(_ body: () throws -> T) rethrows -> T {
        let outermost = ptune_atomic_add(flags + Self.runningIndex, 1) == 1
        defer {
            _ = ptune_atomic_add(flags + Self.runningIndex, -1)
            if outermost { clear() }
        }
        return try body()
    }

    // MARK: - A signal arriving

    /// Records one SIGINT and says whether the process must now stop with the default action:
    /// inside work, the third press (the worker is stuck in one long step); outside work, at once
    /// when `terminatesOutsideWork`, else never (the request waits for the REPL's reader).
    /// Async-signal-safe: atomics only, no allocation, no locks.
    public func signalArrived() -> Bool {
        Self.signalArrived(flags: flags)
    }

    /// `signalArrived()` on a bare flag block, for the C signal handler (no object references).
    static func signalArrived(flags: UnsafeMutablePointer<Int32>) -> Bool {
        if ptune_atomic_load(flags + runningIndex) > 0 {
            return ptune_atomic_add(flags + requestIndex, 1) >= pressesToForceQuit
        }
        if ptune_atomic_load(flags + terminateIndex) != 0 { return true }
        _ = ptune_atomic_add(flags + requestIndex, 1)
        return false
    }
}

/// The process's flag block, allocated once and never freed (the handler reads it by address).
/// `nonisolated(unsafe)`: a raw pointer is not Sendable; the pointee is only touched with atomics.
nonisolated(unsafe) private let processFlags: UnsafeMutablePointer<Int32> = {
    let p = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
    p.initialize(repeating: 0, count: 3)
    return p
}()

/// The process's SIGINT handling: the handler and the process-wide flags, as static calls.
/// While libedit is reading a line the terminal's ISIG is off, so ^C there is a key, not a signal.
public enum Interrupts {
    /// The presses that make the handler give up on a worker and stop the process.
    public static let pressesToForceQuit = InterruptState.pressesToForceQuit

    /// Installs the SIGINT handler (again, to change `terminateOutsideWork`; otherwise idempotent)
    /// and unblocks SIGINT on the calling thread (threads inherit a mask; some launchers, test
    /// runners among them, start with SIGINT blocked). Uses SA_RESTART so that ordinary reads and
    /// writes elsewhere are not broken by a ^C.
    public static func install(terminateOutsideWork: Bool = false) {
        _ = processFlags  // initialize the lazy global here, never first inside the handler
        InterruptState.process.terminatesOutsideWork = terminateOutsideWork
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = interruptHandler
        #else
        action.__sigaction_u.__sa_handler = interruptHandler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// Whether ^C was pressed since the last `clear()` (process-wide).
    public static var isRequested: Bool { InterruptState.process.isRequested }

    /// Forgets earlier ^C presses.
    public static func clear() { InterruptState.process.clear() }

    /// Marks an interrupt as requested, exactly as a ^C would (for "stop" buttons).
    public static func request() { InterruptState.process.request() }

    /// Whether some caller is inside `whileRunning { }`.
    public static var isRunningWork: Bool { InterruptState.process.isRunningWork }

    /// `InterruptState.whileRunning` on the process's flags, with the handler installed.
    public static func whileRunning<T>(_ body: () throws -> T) rethrows -> T {
        install(terminateOutsideWork: InterruptState.process.terminatesOutsideWork)
        return try InterruptState.process.whileRunning(body)
    }
}

// MARK: - Handler

/// The SIGINT handler. Only async-signal-safe calls: atomics, signal(2), raise(3).
private let interruptHandler: @convention(c) (Int32) -> Void = { signalNumber in
    if InterruptState.signalArrived(flags: processFlags) {
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
    }
}
