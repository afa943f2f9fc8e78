import Testing
@testable import LanguageServer

// MARK: - Content-Length framing, as a pure state machine

@Suite("Framing")
struct FramingTests {
    private func framed(_ json: String) -> [UInt8] { TestServer.frame(json) }

    private func drain(_ framer: inout MessageFramer) -> [Frame] {
        var frames: [Frame] = []
        while let frame = framer.next() { frames.append(frame) }
        return frames
    }

    @Test func oneByteAtATimeYieldsTheMessageOnlyWhenComplete() {
        let json = #"{"jsonrpc":"2.0","method":"x","params":{"text":"héllo 😀"}}"#
        let bytes = framed(json)
        var framer = MessageFramer()
        var frames: [Frame] = []
        for (index, byte) in bytes.enumerated() {
            framer.append([byte])
            let found = drain(&framer)
            if index < bytes.count - 1 { #expect(found.isEmpty, "a frame appeared after \(index + 1) of \(bytes.count) bytes") }
            frames += found
        }
        #expect(frames == [.message(Array(json.utf8))])
        #expect(framer.pendingByteCount == 0)
    }

    /// The header end is searched incrementally (each byte once): a long header of many lines,
    /// with bare and CR-LF breaks, a byte at a time and then split at every point of its blank
    /// line, gives the same frames as in one read.
    @Test func aLongHeaderAByteAtATimeGivesTheSameFrames() {
        let json = #"{"x":1}"#
        let extra = (0..<300).map { "X-Pad-\($0): \(String(repeating: "v", count: $0 % 13))" }.joined(separator: "\n")
        let header = "\(extra)\r\nContent-Length: \(json.utf8.count)\n\r\n"
        let bytes = Array(header.utf8) + Array(json.utf8) + framed(#"{"y":2}"#)
        var whole = MessageFramer()
        whole.append(bytes)
        let expected = drain(&whole)
        #expect(expected == [.message(Array(json.utf8)), .message(Array(#"{"y":2}"#.utf8))])

        var framer = MessageFramer()
        var frames: [Frame] = []
        for byte in bytes {
            framer.append([byte])
            frames += drain(&framer)
        }
        #expect(frames == expected)
        for cut in (header.utf8.count - 4)...(header.utf8.count + 1) {
            var split = MessageFramer()
            split.append(bytes[..<cut])
            var found = drain(&split)
            split.append(bytes[cut...])
            found += drain(&split)
            #expect(found == expected, "cut at byte \(cut)")
        }
    }

    @Test func twoMessagesInOneReadAreBothReturned() {
        var framer = MessageFramer()
        framer.append(framed(#"{"a":1}"#) + framed(#"{"b":2}"#))
        #expect(drain(&framer) == [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":2}"#.utf8))])
    }

    @Test func contentLengthCountsBytesNotCharacters() {
        let json = #"{"t":"日本語😀"}"#
        var framer = MessageFramer()
        framer.append(Array("Content-Length: \(json.utf8.count)\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".utf8) + Array(json.utf8) + Array("Con".utf8))
        #expect(drain(&framer) == [.message(Array(json.utf8))])
        #expect(framer.pendingByteCount == 3, "the start of the next header stays buffered")
    }

    @Test func malformedHeaderIsReportedAndTheNextMessageStillArrives() {
        var framer = MessageFramer()
        framer.append(Array("Content-Lngth 12\r\n\r\n{\"x\":\"junk\"}".utf8) + framed(#"{"ok":true}"#))
        let frames = drain(&framer)
        #expect(frames.count == 2)
        guard case .malformed(.invalidHeaderLine(let line))? = frames.first else {
            Issue.record("expected an invalid header line first, found \(frames)")
            return
        }
        #expect(line == "Content-Lngth 12")
        #expect(frames.last == .message(Array(#"{"ok":true}"#.utf8)))
    }

    @Test func missingAndNonNumericContentLengthAreRefused() {
        var framer = MessageFramer()
        framer.append(Array("Content-Type: x\r\n\r\n".utf8) + Array("Content-Length: 1e3\r\n\r\n".utf8) + framed("{}"))
        #expect(drain(&framer) == [.malformed(.missingContentLength), .malformed(.invalidContentLength("1e3")), .message(Array("{}".utf8))])
    }

    @Test func absurdContentLengthIsRefusedWithoutWaitingForTheBody() {
        var framer = MessageFramer(maximumContentLength: 1 << 20)
        // 2^70 does not even fit in Int; 10 MiB fits but exceeds the cap.
        framer.append(Array("Content-Length: 1180591620717411303424\r\n\r\n".utf8))
        #expect(drain(&framer) == [.malformed(.contentTooLarge(length: "1180591620717411303424", limit: 1 << 20))])
        framer.append(Array("Content-Length: 10485760\r\n\r\n".utf8))
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: 100_000))  // part of the refused body
        #expect(drain(&framer) == [.malformed(.contentTooLarge(length: "10485760", limit: 1 << 20))])
        #expect(framer.pendingByteCount < 64, "refused body bytes are dropped, not kept: \(framer.pendingByteCount) pending")
        framer.append(framed(#"{"after":1}"#))
        #expect(drain(&framer) == [.message(Array(#"{"after":1}"#.utf8))])
    }

    @Test func headerWithoutBlankLineGivesUpAfterTheLimit() {
        var framer = MessageFramer()
        framer.append([UInt8](repeating: UInt8(ascii: "a"), count: MessageFramer.maximumHeaderLength + 10))
        #expect(drain(&framer) == [.malformed(.headerTooLong(limit: MessageFramer.maximumHeaderLength))])
        framer.append(framed("[]"))
        #expect(drain(&framer) == [.message(Array("[]".utf8))])
    }

    @Test func markerSplitAcrossReadsIsFoundWhileResynchronizing() {
        var framer = MessageFramer()
        framer.append(Array("garbage\r\n\r\nmore garbage Content-Le".utf8))
        #expect(drain(&framer).count == 1)
        framer.append(Array("ngth: 2\r\n\r\n{}".utf8))
        #expect(drain(&framer) == [.message(Array("{}".utf8))])
    }
}
