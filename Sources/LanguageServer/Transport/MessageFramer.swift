// MARK: - Content-Length framing
//
// The LSP base protocol frames each JSON-RPC message as HTTP-like header lines, a blank line and
// `Content-Length` bytes of UTF-8 JSON. The framer is a pure state machine over bytes: it never
// reads or blocks, so partial reads, one byte at a time or two messages in one read all reduce to
// "append what arrived, take out what is complete". It refuses a body larger than a cap without
// allocating it, and after any bad header it resynchronizes at the next `Content-Length` line, so
// garbage costs one error frame and never a crash or a hang.

/// What the framer found in the byte stream.
public enum Frame: Sendable, Equatable {
    /// A complete message body (the JSON text, not yet parsed).
    case message([UInt8])
    /// A header that could not be used; the framer has already skipped past it.
    case malformed(FramingError)
}

/// Why a header was refused.
public enum FramingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The header block had no `Content-Length` field.
    case missingContentLength
    /// `Content-Length` was not a decimal byte count.
    case invalidContentLength(String)
    /// `Content-Length` was larger than the framer accepts.
    case contentTooLarge(length: String, limit: Int)
    /// A header line had no `name: value` shape.
    case invalidHeaderLine(String)
    /// No blank line ended the header within the header size limit.
    case headerTooLong(limit: Int)

    /// One line: what was expected and what was found.
    public var description: String {
        switch self {
        case .missingContentLength: "expected a Content-Length header, found a header block without one"
        case .invalidContentLength(let value): "expected a decimal Content-Length, found '\(value)'"
        case .contentTooLarge(let length, let limit): "Content-Length \(length) exceeds the limit of \(limit) bytes"
        case .invalidHeaderLine(let line): "expected a 'Name: value' header line, found '\(line)'"
        case .headerTooLong(let limit): "expected a blank line ending the header within \(limit) bytes"
        }
    }
}

/// Splits a byte stream into LSP message bodies.
public struct MessageFramer: Sendable {
    /// The default largest body accepted: 64 MiB, far above any script an editor sends.
    public static let defaultMaximumContentLength = 64 << 20
    /// The largest header block accepted before the framer gives up on it.
    public static let maximumHeaderLength = 8 << 10

    private enum State: Equatable {
        /// Waiting for a complete header block.
        case header
        /// The header said `length` bytes of body follow.
        case body(length: Int)
        /// After a bad header: dropping bytes until the next `Content-Length` line.
        case resynchronizing
    }

    private static let marker = Array("Content-Length".utf8)

    /// The largest body this framer accepts.
    public let maximumContentLength: Int
    private var buffer: [UInt8] = []
    private var start = 0  // first unconsumed byte of `buffer`
    private var state = State.header
    // Bytes of `buffer` before this offset were already searched for the blank line that ends
    // the header, so a header arriving a byte at a time is scanned once, not once per byte.
    private var headerScanned = 0

    /// Creates a framer that refuses bodies larger than `maximumContentLength` bytes.
    public init(maximumContentLength: Int = MessageFramer.defaultMaximumContentLength) {
        self.maximumContentLength = maximumContentLength
    }

    /// Bytes received but not yet returned in a frame.
    public var pendingByteCount: Int { buffer.count - start }

    /// Adds bytes as they arrived from the stream.
    public mutating func append<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        // Compact once the consumed prefix dominates, so a long session does not grow the buffer.
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            headerScanned = max(0, headerScanned - start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func next() -> Frame? {
        while true {
            switch state {
            case .header:
                return readHeader()
            case .body(let length):
                guard pendingByteCount >= length else { return nil }
                let body = Array(buffer[start..<(start + length)])
                start += length
                state = .header
                return .message(body)
            case .resynchronizing:
                guard resynchronize() else { return nil }
            }
        }
    }

    // MARK: - Header

    // header := (line '\r\n')+ '\r\n'      a bare '\n' is tolerated in place of '\r\n'
    private mutating func readHeader() -> Frame? {
        // Stray line breaks between messages are not a header.
        while start < buffer.count, buffer[start] == 0x0D || buffer[start] == 0x0A { start += 1 }
        guard let (lines, end) = headerLines() else {
            guard pendingByteCount > Self.maximumHeaderLength else { return nil }
            return fail(.headerTooLong(limit: Self.maximumHeaderLength), skippingTo: start + 1)
        }
        var length: Int?
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else {
                return fail(.invalidHeaderLine(String(line.prefix(80))), skippingTo: end)
            }
            let name = line[..<colon].trimmingCharacters()
            guard name.lowercased() == "content-length" else { continue }  // Content-Type and others
            let value = line[line.index(after: colon)...].trimmingCharacters()
            guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                return fail(.invalidContentLength(String(value.prefix(40))), skippingTo: end)
            }
            // Compare as text first so a 40-digit length is refused without overflowing `Int`.
            let digits = value.drop { $0 == "0" }
            guard digits.count <= 18, let parsed = Int(digits.isEmpty ? "0" : digits), parsed <= maximumContentLength else {
                return fail(.contentTooLarge(length: String(value.prefix(40)), limit: maximumContentLength), skippingTo: end)
            }
            length = parsed
        }
        guard let length else { return fail(.missingContentLength, skippingTo: end) }
        start = end
        state = .body(length: length)
        return next()
    }

    // The header's lines and the offset just past its blank line, or nil while it is incomplete.
    private mutating func headerLines() -> ([String], Int)? {
        guard let end = headerEnd() else { return nil }
        var lines: [String] = []
        var lineStart = start
        for index in start..<end where buffer[index] == 0x0A {
            var lineEnd = index
            if lineEnd > lineStart, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            if lineEnd > lineStart { lines.append(String(decoding: buffer[lineStart..<lineEnd], as: UTF8.self)) }
            lineStart = index + 1
        }
        return (lines, end)
    }

    // The offset just past the blank line ending the header that starts at `start` (a '\n' right
    // after a '\n' or a "\n\r"), searching only bytes not searched before; nil while there is none
    // within the header limit.
    private mutating func headerEnd() -> Int? {
        let limit = min(buffer.count, start + Self.maximumHeaderLength)
        var index = max(start, headerScanned)
        while index < limit {
            if buffer[index] == 0x0A {
                let afterBreak = index - 1 >= start && buffer[index - 1] == 0x0A
                let afterBreakCR = index - 2 >= start && buffer[index - 1] == 0x0D && buffer[index - 2] == 0x0A
                if afterBreak || afterBreakCR {
                    headerScanned = index + 1
                    return index + 1
                }
            }
            index += 1
        }
        headerScanned = index
        return nil
    }

    // MARK: - Recovery

    private mutating func fail(_ error: FramingError, skippingTo offset: Int) -> Frame {
        start = min(offset, buffer.count)
        state = .resynchronizing
        return .malformed(error)
    }

    // Drops bytes up to the next `Content-Length`; true once found. Keeps a tail as long as the
    // marker so a marker split across two reads is still found, and nothing more.
    private mutating func resynchronize() -> Bool {
        let marker = Self.marker
        var index = start
        while index + marker.count <= buffer.count {
            if buffer[index] == marker[0], buffer[index..<(index + marker.count)].elementsEqual(marker) {
                start = index
                state = .header
                return true
            }
            index += 1
        }
        start = max(start, buffer.count - (marker.count - 1))
        return false
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingCharacters() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
