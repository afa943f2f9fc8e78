import Foundation

/// Reads a file one line at a time in fixed-size chunks, so a 100k-line pairs file never needs
/// to exist as one big `String`. Lines end at `\n`; a trailing `\r` is dropped (CRLF files);
/// a UTF-8 byte-order mark at the start of the file is skipped.
struct LineReader {
    private let handle: FileHandle
    private let name: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEOF = false
    private var first = true
    /// The 1-based number of the line last returned.
    private(set) var lineNumber = 0
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0
    /// The most bytes the buffer ever held: at most the longest line plus one chunk, whatever the
    /// file's size (the streaming guarantee, checked by tests).
    private(set) var largestBuffer = 0
    /// Called after every chunk with the bytes read so far; returning false stops the read
    /// (`PairsError.stopped`), e.g. on ^C.
    var progress: ((Int) -> Bool)?

    private static let chunkSize = 1 << 16

    /// Opens `url` for reading; `name` is the file name used in errors.
    init(url: URL, name: String) throws(PairsError) {
        self.name = name
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw .unreadable(file: name, reason: Self.reason(error))
        }
    }

    /// The next line's bytes (without the line ending), or nil at the end of the file.
    mutating func nextLine() throws(PairsError) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                var end = newline
                if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                let line = buffer[start..<end]
                start = newline + 1
                lineNumber += 1
                return stripBOM(line)
            }
            if atEOF {
                guard start < buffer.count else { return nil }
                var line = buffer[start...]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                start = buffer.count
                lineNumber += 1
                return stripBOM(line)
            }
            try fill()
        }
    }

    /// Closes the file (also done when the reader is dropped).
    func close() { try? handle.close() }

    // MARK: - Private

    private mutating func fill() throws(PairsError) {
        // Drop consumed bytes before reading more, so the buffer holds at most one line + a chunk.
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: Self.chunkSize)
        } catch {
            throw .unreadable(file: name, reason: Self.reason(error))
        }
        if let chunk, !chunk.isEmpty {
            buffer.append(contentsOf: chunk)
            bytesRead += chunk.count
            largestBuffer = max(largestBuffer, buffer.count)
            if let progress, !progress(bytesRead) { throw .stopped(file: name, line: lineNumber) }
        } else {
            atEOF = true
        }
    }

    private mutating func stripBOM(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        defer { first = false }
        if first, line.starts(with: [0xEF, 0xBB, 0xBF]) { return line.dropFirst(3) }
        return line
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
           let text = String(validatingCString: strerror(Int32(underlying.code))) {
            return text
        }
        return ns.localizedDescription
    }
}

/// Decodes one line as UTF-8, naming the file and line on failure.
func utf8Line(_ bytes: ArraySlice<UInt8>, file: String, line: Int) throws(PairsError) -> String {
    guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8(file: file, line: line) }
    return text
}
