import Foundation

/// Reads watsonx-style pairs: a JSON array of `{"input": …, "output": …}` objects, or JSONL with
/// one such object per line (blank lines skipped). Extra keys are ignored. Each record is parsed
/// on its own, so errors carry the line where the record starts.
enum JSONPairReader {
    // MARK: - JSONL

    /// Reads one object per non-blank line.
    static func readLines(_ reader: inout LineReader, file: String) throws(PairsError) -> [TrainingPair] {
        var pairs: [TrainingPair] = []
        while let bytes = try reader.nextLine() {
            let line = reader.lineNumber
            guard bytes.contains(where: { !isSpace($0) }) else { continue }
            pairs.append(try pair(from: bytes, file: file, line: line))
        }
        return pairs
    }

    // MARK: - JSON array

    /// Reads a top-level array, splitting it into elements with a small scanner that knows only
    /// strings and bracket depth; each element is then parsed by `JSONSerialization`.
    static func readArray(_ reader: inout LineReader, file: String) throws(PairsError) -> [TrainingPair] {
        enum State { case beforeArray, expectElement, inElement, afterElement, done }
        var state = State.beforeArray
        var pairs: [TrainingPair] = []
        var element: [UInt8] = []
        var elementLine = 0
        var depth = 0  // bracket depth inside the current element
        var inString = false, escaped = false
        var sawComma = false

        func finishElement() throws(PairsError) {
            pairs.append(try pair(from: element[...], file: file, line: elementLine))
            element.removeAll(keepingCapacity: true)
            state = .afterElement
        }

        while let bytes = try reader.nextLine() {
            let line = reader.lineNumber
            for byte in bytes {
                switch state {
                case .beforeArray:
                    if isSpace(byte) { continue }
                    guard byte == UInt8(ascii: "[") else {
                        throw .invalidJSON(file: file, line: line, reason: "expected '[' to open the array")
                    }
                    state = .expectElement
                case .expectElement:
                    if isSpace(byte) { continue }
                    if byte == UInt8(ascii: "]") {
                        if sawComma { throw .invalidJSON(file: file, line: line, reason: "trailing ',' before ']'") }
                        state = .done
                        continue
                    }
                    if byte == UInt8(ascii: ",") { throw .invalidJSON(file: file, line: line, reason: "expected a value before ','") }
                    state = .inElement
                    elementLine = line
                    depth = 0
                    fallthrough
                case .inElement:
                    if inString {
                        element.append(byte)
                        if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                        continue
                    }
                    switch byte {
                    case UInt8(ascii: "\""):
                        inString = true
                        element.append(byte)
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                        element.append(byte)
                    case _ where (byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")) && depth > 0:
                        depth -= 1
                        element.append(byte)
                        if depth == 0 { try finishElement() }
                    case _ where (byte == UInt8(ascii: ",") || byte == UInt8(ascii: "]")) && depth == 0:
                        // A scalar element ends at the separator; it is reported as "not a pair".
                        try finishElement()
                        sawComma = byte == UInt8(ascii: ",")
                        state = sawComma ? .expectElement : .done
                    default:
                        element.append(byte)
                    }
                case .afterElement:
                    if isSpace(byte) { continue }
                    if byte == UInt8(ascii: ",") {
                        sawComma = true
                        state = .expectElement
                    } else if byte == UInt8(ascii: "]") {
                        state = .done
                    } else {
                        throw .invalidJSON(file: file, line: line, reason: "expected ',' or ']' after an element")
                    }
                case .done:
                    if isSpace(byte) { continue }
                    throw .invalidJSON(file: file, line: line, reason: "unexpected text after the closing ']'")
                }
            }
            if state == .inElement { element.append(UInt8(ascii: "\n")) }
        }
        switch state {
        case .beforeArray, .done: return pairs
        default: throw .invalidJSON(file: file, line: max(reader.lineNumber, 1), reason: "the array is not closed with ']'")
        }
    }

    // MARK: - One record

    /// Parses one JSON value and checks that it is an object with string `input` and `output`.
    static func pair(from bytes: ArraySlice<UInt8>, file: String, line: Int) throws(PairsError) -> TrainingPair {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .invalidJSON(file: file, line: line, reason: shortReason(error))
        }
        guard let object = value as? [String: Any] else {
            throw .notAPair(file: file, line: line, found: describe(value))
        }
        guard let input = object["input"] as? String, let output = object["output"] as? String else {
            let missing = ["input", "output"].filter { object[$0] == nil }
            if !missing.isEmpty {
                let keys = missing.map { "\"\($0)\"" }.joined(separator: " and ")
                throw .notAPair(file: file, line: line, found: "an object without \(keys)")
            }
            let key = object["input"] is String ? "output" : "input"
            throw .notAPair(file: file, line: line, found: "\"\(key)\" as \(describe(object[key]!))")
        }
        return TrainingPair(input: input, output: output, location: PairLocation(file: file, line: line))
    }

    // MARK: - Helpers

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// A few words naming a JSON value's kind, for "found …".
    static func describe(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNull: return "null"
        case let number as NSNumber:
            // JSONSerialization gives booleans as NSNumber with the `char` encoding.
            return String(cString: number.objCType) == "c" ? "a boolean" : "a number"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        default: return "a value"
        }
    }

    private static func shortReason(_ error: Error) -> String {
        let ns = error as NSError
        let text = (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
        return text.split(separator: "\n").first.map(String.init) ?? "parse error"
    }
}
