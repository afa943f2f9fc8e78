// A test seam for the failures a test cannot cause for real as root (a read-only folder: root
// writes anyway) or cheaply (a full disk). Internal: tests reach it with `@testable import
// AtomicFiles`; scripts and users cannot. Off unless a test arms it.
import Foundation

/// Failures to inject into `AtomicFile`'s system calls.
enum FaultInjection {
    /// One armed failure.
    struct Fault: Sendable {
        /// The step that fails.
        var stage: AtomicWriteError.Stage
        /// The errno it fails with (ENOSPC, EROFS, EIO, …).
        var code: Int32
        /// Only writes of files whose path ends with this fail (nil: every file).
        var pathSuffix: String?
        /// How many more writes fail; the fault disarms itself at 0.
        var remaining: Int
    }

    /// The armed faults, behind a lock: tests may write from several threads.
    private final class Armed: @unchecked Sendable {
        // @unchecked: every access to `faults` holds `lock`.
        let lock = NSLock()
        var faults: [Fault] = []
    }

    private static let armed = Armed()

    /// Makes the next `count` writes of matching files fail at `stage` with `code`.
    static func arm(_ stage: AtomicWriteError.Stage, code: Int32, pathSuffix: String? = nil, count: Int = 1) {
        armed.lock.lock()
        defer { armed.lock.unlock() }
        armed.faults.append(Fault(stage: stage, code: code, pathSuffix: pathSuffix, remaining: count))
    }

    /// Disarms the faults armed for `pathSuffix` (every fault when nil); tests running at the
    /// same time keep theirs.
    static func disarm(pathSuffix: String? = nil) {
        armed.lock.lock()
        defer { armed.lock.unlock() }
        armed.faults.removeAll { pathSuffix == nil || $0.pathSuffix == pathSuffix }
    }

    /// The errno to fail with at `stage` for `path`, consuming one use of the fault; nil normally.
    static func failure(at stage: AtomicWriteError.Stage, path: String) -> Int32? {
        armed.lock.lock()
        defer { armed.lock.unlock() }
        guard let index = armed.faults.firstIndex(where: { $0.stage == stage && path.hasSuffix($0.pathSuffix ?? "") }) else {
            return nil
        }
        let code = armed.faults[index].code
        armed.faults[index].remaining -= 1
        if armed.faults[index].remaining <= 0 { armed.faults.remove(at: index) }
        return code
    }
}
