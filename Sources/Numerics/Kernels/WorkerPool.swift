import CKernels

/// The persistent threads the decode kernels fan out on (`ck_parallel`): part 0 runs on the
/// calling thread, parts 1… on workers that spin briefly between calls and then sleep, so a call
/// costs about a microsecond instead of a dispatch queue's tens. One call at a time (callers from
/// several threads take turns).
public enum WorkerPool {
    /// Runs `body(part)` for part = 0 ..< parts, concurrently, and returns when all are done.
    /// `body` must only touch memory its part owns (or memory nobody writes during the call).
    public static func run(parts: Int, _ body: (Int) -> Void) {
        guard parts > 1 else {
            if parts == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            var call = escapable
            withUnsafeMutablePointer(to: &call) { pointer in
                ck_parallel({ context, part, _ in
                    context!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, pointer, Int32(parts))
            }
        }
    }
}
