import FuzzEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - libFuzzer driver
//
// SwiftPM renames an executable's `main` (to `<Module>_main`, for testable executables), so
// libFuzzer's own `main` never runs: a fuzz target built with `-parse-as-library` fails to link,
// and one without it runs an empty top-level program and exits 0 without fuzzing. Instead each
// fuzz target's `main.swift` calls `runLibFuzzer`, which hands the target to libFuzzer's
// documented entry point for programs that own `main`. Command-line flags pass through unchanged.

/// The signature libFuzzer calls for every input: bytes (nil when empty) and their count.
public typealias FuzzTestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Runs libFuzzer over `testOneInput` with this process's arguments, then exits with its status.
public func runLibFuzzer(_ testOneInput: FuzzTestOneInput) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
}

// MARK: - Input helpers

/// The input as a buffer (libFuzzer passes a dangling pointer for the empty input).
public func fuzzBytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> UnsafeBufferPointer<UInt8> {
    UnsafeBufferPointer(start: size == 0 ? nil : data, count: size)
}

/// Stops the run with `message` when a property that must hold does not: libFuzzer records the
/// input as a crash artifact, exactly as for a trap in the code under test.
public func fuzzExpect(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() { fatalError("fuzz property failed: \(message())") }
}
