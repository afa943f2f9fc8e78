import Foundation
import FuzzSupport
import PromptTuning

// MARK: - Pairs fuzz target
//
// Arbitrary bytes as a pairs file. `PairReader` reads only from files (it streams large files in
// chunks), so the input is written to a scratch file and read back through the real entry point.
// The first byte picks the file name, and with it the format: `.json` (array, or detection by the
// first byte), `.jsonl`, `.csv`, or `.txt` (detection: `[` array, `{` lines, anything else CSV).
// Properties: nothing traps; every pair read names this file and a line the file has.

/// The extensions the first input byte chooses from.
let extensions = ["json", "jsonl", "csv", "txt"]
let scratch = ScratchFolder(name: "pairs")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let first = bytes.first else { return 0 }
    let content = bytes.dropFirst()
    let fileName = "pairs." + extensions[Int(first) % extensions.count]
    let url = scratch.write(content, to: fileName)

    guard let pairs = try? PairReader.read(contentsOf: url, name: fileName) else { return 0 }
    let lineCount = content.count(where: { $0 == UInt8(ascii: "\n") }) + 1
    for pair in pairs {
        guard let location = pair.location else { continue }
        fuzzExpect(location.file == fileName && location.line >= 1 && location.line <= lineCount,
                   "pair located at \(location.file):\(location.line), file \(fileName) has \(lineCount) lines")
    }
    return 0
}
