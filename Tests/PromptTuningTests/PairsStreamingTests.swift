// A 100,000-line pairs file is streamed: the line reader's buffer never holds more than one
// chunk plus the longest line, progress is reported as the bytes go by, the resident memory
// grows by the pairs (not by copies of the file), and the caller can stop the read (^C).
import Foundation
import Testing
@testable import PromptTuning

@Suite("Pairs streaming", .serialized)
struct PairsStreamingTests {
    static let lines = 100_000

    /// A JSONL file of `lines` pairs; returns its URL and size.
    private func bigFile() throws -> (url: URL, size: Int) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ptune-pairs-\(UUID().uuidString).jsonl")
        var text = ""
        text.reserveCapacity(Self.lines * 80)
        for i in 0..<Self.lines {
            text += "{\"input\": \"question number \(i) about the weather today\", \"output\": \"answer \(i % 97)\"}\n"
        }
        try Data(text.utf8).write(to: url)
        return (url, text.utf8.count)
    }

    /// Resident memory of this process in bytes (Linux), or nil.
    private func residentBytes() -> Int? {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    @Test("100,000 lines: all pairs, progress to the last byte, bounded buffer and memory")
    func hundredThousandLines() throws {
        let (url, size) = try bigFile()
        defer { try? FileManager.default.removeItem(at: url) }

        // The reader alone: its buffer is bounded by a chunk plus the longest line, whatever the file size.
        var reader = try LineReader(url: url, name: "big.jsonl")
        var longest = 0, count = 0
        while let line = try reader.nextLine() {
            longest = max(longest, line.count)
            count += 1
        }
        reader.close()
        #expect(count == Self.lines)
        #expect(reader.largestBuffer <= (1 << 16) + longest + 1,
                "buffer high-water \(reader.largestBuffer) bytes for a \(size)-byte file (chunk 65536, longest line \(longest))")

        // The whole read, with progress.
        let before = residentBytes()
        var reports: [Int] = []
        let pairs = try PairReader.read(contentsOf: url, name: "big.jsonl") { bytes in
            reports.append(bytes)
            return true
        }
        let after = residentBytes()
        #expect(pairs.count == Self.lines)
        #expect(pairs.last?.input == "question number \(Self.lines - 1) about the weather today")
        #expect(pairs.last?.location?.line == Self.lines)
        #expect(reports == reports.sorted() && reports.last == size, "progress ends at the file size \(size): last \(reports.last ?? -1)")
        #expect(reports.count >= size / (1 << 16), "one report per 64 KiB chunk, got \(reports.count)")
        if let before, let after {
            // Reported, not asserted: resident memory is the whole process's, and other suites
            // run in parallel (one loading a 540 MB model made this fail once). The bound the
            // issue asks for is asserted above, on the reader's buffer, which `PairReader` uses.
            print("pairs streaming: resident memory grew by \((after - before) / 1024) KiB for a \(size / 1024) KiB file of \(Self.lines) lines")
        }
    }

    @Test("the caller stops the read: nothing is returned and the message says so")
    func stop() throws {
        let (url, _) = try bigFile()
        defer { try? FileManager.default.removeItem(at: url) }
        var calls = 0
        let error = #expect(throws: PairsError.self) {
            _ = try PairReader.read(contentsOf: url, name: "big.jsonl") { _ in
                calls += 1
                return calls < 3
            }
        }
        guard case let .stopped(file, line)? = error else {
            Issue.record("expected .stopped, got \(String(describing: error))")
            return
        }
        #expect(file == "big.jsonl" && line > 0 && line < Self.lines, "stopped at line \(line)")
        #expect(error?.description.contains("reading stopped after line \(line) (interrupted); no pairs were taken") == true)
        #expect(calls == 3)
    }
}
