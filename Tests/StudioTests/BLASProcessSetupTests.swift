#if os(Linux)
import Foundation
import Testing

/// `ptune` runs itself again at start-up with `OPENBLAS_THREAD_TIMEOUT` set (`BLASProcessSetup`),
/// because OpenBLAS reads it before `main`. These run the built binary and read the environment
/// its running image was started with from /proc.
@Suite("BLAS process set-up", .enabled(if: CLI.binary != nil))
struct BLASProcessSetupTests {
    /// Starts `ptune` (the REPL on a pipe) with `variable` as given, reads the environment of the
    /// image that ends up running, then has the REPL answer a command and quit.
    private func runningEnvironment(timeout variable: String?) throws -> (environment: [String], stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary!)
        process.arguments = ["--json"]
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_THREAD_TIMEOUT"] = variable
        environment["PTUNE_HOME"] = NSTemporaryDirectory() + "ptune-cli-home"
        process.environment = environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The REPL waits on its pipe; the environ of the process is its current image's once it
        // has answered, so ask it something first and wait for the answer.
        input.fileHandleForWriting.write(Data("show settings\n".utf8))
        var seen = Data()
        while !seen.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += chunk
        }
        let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(process.processIdentifier)/environ"))) ?? Data()
        input.fileHandleForWriting.write(Data("quit\n".utf8))
        try input.fileHandleForWriting.close()
        seen += output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let entries = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return (entries, String(decoding: seen, as: UTF8.self))
    }

    @Test("unset, ptune sets OpenBLAS's thread spin and still answers on the same pipe")
    func setsTheVariable() throws {
        let (environment, stdout) = try runningEnvironment(timeout: nil)
        #expect(environment.filter { $0.hasPrefix("OPENBLAS_THREAD_TIMEOUT=") } == ["OPENBLAS_THREAD_TIMEOUT=16"])
        #expect(stdout.contains("\"command\":\"show\""), "the REPL answered after running itself again: \(stdout)")
    }

    @Test("a value the user set is kept")
    func keepsTheUsersValue() throws {
        let (environment, _) = try runningEnvironment(timeout: "7")
        #expect(environment.filter { $0.hasPrefix("OPENBLAS_THREAD_TIMEOUT=") } == ["OPENBLAS_THREAD_TIMEOUT=7"])
    }
}
#endif
