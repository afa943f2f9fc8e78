// ^C during long work (train, ask) asks the worker to stop at its next step boundary instead of
// killing the process and losing the session.
import CEditLine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's SIGINT handling.
///
/// The handler only touches three integers through lock-free atomics (async-signal-safe):
/// - inside `whileRunning { }`: each ^C increments the request count; the worker polls
///   `isRequested` at step boundaries. A third ^C means the worker is not listening
///   (stuck in one long step), so the process is stopped with the default SIGINT action.
/// - outside it: ^C sets the request (the REPL's readers notice it) or, with
///   `install(terminateOutsideWork: true)` (scripts), stops the process as usual.
/// While libedit is reading a line the terminal's ISIG is off, so ^C there is a key, not a signal.
public enum Interrupts {
    // MARK: - Flags

    private static let requestIndex = 0  // number of ^C since the last clear()
    private static let runningIndex = 1  // > 0 while inside whileRunning
    private static let terminateIndex = 2  // 1: ^C outside work stops the process

    /// The presses that make the handler give up on a worker and stop the process.
    public static let pressesToForceQuit: Int32 = 3

    /// The flags, in memory that is never freed or moved: the signal handler is a C function
    /// that cannot capture Swift context, and it may run on any thread at any instruction, so it
    /// reads this fixed address with atomics only. `nonisolated(unsafe)` because a raw pointer is
    /// not Sendable; every access to the pointee goes through the C atomics.
    nonisolated(unsafe) private static let flags: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
        p.initialize(repeating: 0, count: 3)
        return p
    }()

    // MARK: - Installing

    /// Installs the SIGINT handler (again, to change `terminateOutsideWork`; otherwise idempotent)
    /// and unblocks SIGINT on the calling thread (threads inherit a mask; some launchers, test
    /// runners among them, start with SIGINT blocked). Uses SA_RESTART so that ordinary reads and
    /// writes elsewhere are not broken by a ^C.
    public static func install(terminateOutsideWork: Bool = false) {
        ptune_atomic_store(flags + terminateIndex, terminateOutsideWork ? 1 : 0)
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

    // MARK: - Querying

    /// Whether ^C was pressed since the last `clear()`.
    public static var isRequested: Bool { ptune_atomic_load(flags + requestIndex) > 0 }

    /// Forgets earlier ^C presses.
    public static func clear() {
        ptune_atomic_store(flags + requestIndex, 0)
    }

    /// Marks an interrupt as requested, exactly as a ^C would (for tests and for "stop" buttons).
    public static func request() {
        _ = ptune_atomic_add(flags + requestIndex, 1)
    }

    /// Whether the caller is inside `whileRunning { }`.
    public static var isRunningWork: Bool { ptune_atomic_load(flags + runningIndex) > 0 }

    // MARK: - Scoped work

    /// Runs `body` (long work: train, ask) with ^C turned into a stop request that the body polls
    /// through `isRequested`. Earlier requests are cleared before, and the request is cleared after,
    /// so a ^C aimed at this work never leaks into the next prompt. Nested calls share one scope.
    public static func whileRunning<T>(_ body: () throws -> T) rethrows -> T {
        install(terminateOutsideWork: ptune_atomic_load(flags + terminateIndex) != 0)
        let outermost = ptune_atomic_add(flags + runningIndex, 1) == 1
        if outermost { clear() }
        defer {
            _ = ptune_atomic_add(flags + runningIndex, -1)
            if outermost { clear() }
        }
        return try body()
    }
}

// MARK: - Handler

/// The SIGINT handler. Only async-signal-safe calls: atomics, signal(2), raise(3).
private let interruptHandler: @convention(c) (Int32) -> Void = { signalNumber in
    let flags = Interrupts.flagsForHandler
    let running = ptune_atomic_load(flags + 1) > 0
    if running {
        if ptune_atomic_add(flags, 1) >= Interrupts.pressesToForceQuit {
            signal(signalNumber, SIG_DFL)
            raise(signalNumber)
        }
    } else if ptune_atomic_load(flags + 2) != 0 {
        signal(signalNumber, SIG_DFL)
        raise(signalNumber)
    } else {
        _ = ptune_atomic_add(flags, 1)
    }
}

extension Interrupts {
    /// The flag storage, for the handler (already initialized by `install()` before any signal).
    fileprivate static var flagsForHandler: UnsafeMutablePointer<Int32> { flags }
}
