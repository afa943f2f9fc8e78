import Foundation

/// The result of `body`, computed on its own thread from the moment this is created. `value()`
/// waits for it the first time and returns the kept result after, to any number of callers on any
/// thread. With `Failure == Never` it cannot throw. Used to overlap the parts of a model load and
/// to let `load` return before the Float32 weights exist (Docs/performance-inference.md, "Load").
final class BackgroundResult<Value: Sendable, Failure: Error>: @unchecked Sendable {  // `result` is guarded by `condition`
    private let condition = NSCondition()
    private var result: Result<Value, Failure>?

    init(stackSize: Int = 8 << 20, _ body: @escaping @Sendable () throws(Failure) -> Value) {
        let thread = Thread { [self] in
            let made: Result<Value, Failure>
            do throws(Failure) { made = .success(try body()) } catch { made = .failure(error) }
            condition.lock()
            result = made
            condition.broadcast()
            condition.unlock()
        }
        thread.stackSize = stackSize
        thread.start()
    }

    /// Whether the result is there, without waiting.
    var isReady: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }

    /// Waits for the result, then returns it or throws its error.
    func value() throws(Failure) -> Value {
        condition.lock()
        while result == nil { condition.wait() }
        let kept = result!
        condition.unlock()
        return try kept.get()
    }
}
