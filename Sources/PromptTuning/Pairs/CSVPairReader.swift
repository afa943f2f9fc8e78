/// Reads pairs from CSV (RFC 4180): a header row naming the columns, `input` and `output` in any
/// order (matched case-insensitively, surrounding spaces ignored), other columns ignored.
/// Quoted fields may hold commas, doubled quotes and line breaks. Blank lines are skipped.
enum CSVPairReader {
    /// Reads every record; a record's location is the line where it starts.
    static func read(_ reader: inout LineReader, file: String) throws(PairsError) -> [TrainingPair] {
        guard let header = try nextRecord(&reader, file: file) else { throw .empty(file: file) }
        let names = header.fields.map { $0.trimmingSpaces.lowercased() }
        let missing = ["input", "output"].filter { !names.contains($0) }
        guard missing.isEmpty, let inputColumn = names.firstIndex(of: "input"),
              let outputColumn = names.firstIndex(of: "output") else {
            throw .missingColumns(file: file, missing: missing, found: header.fields)
        }
        let needed = max(inputColumn, outputColumn) + 1
        var pairs: [TrainingPair] = []
        while let record = try nextRecord(&reader, file: file) {
            guard record.fields.count >= needed else {
                throw .invalidCSV(file: file, line: record.line,
                                  reason: "expected at least \(needed) fields, found \(record.fields.count)")
            }
            pairs.append(TrainingPair(input: record.fields[inputColumn], output: record.fields[outputColumn],
                                      location: PairLocation(file: file, line: record.line)))
        }
        return pairs
    }

    // MARK: - Records

    struct Record {
        var fields: [String]
        var line: Int
    }

    /// The next non-blank record, joining physical lines while a quoted field is open.
    static func nextRecord(_ reader: inout LineReader, file: String) throws(PairsError) -> Record? {
        var fields: [String] = []
        var field: [UInt8] = []
        var startLine = 0
        var inQuotes = false
        var afterQuote = false  // just closed a quoted field: only ',' or end of line may follow

        while let bytes = try reader.nextLine() {
            let line = reader.lineNumber
            if startLine == 0 {
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                startLine = line
            } else {
                field.append(UInt8(ascii: "\n"))  // a line break inside quotes belongs to the field
            }
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                index += 1
                if inQuotes {
                    if byte == UInt8(ascii: "\"") {
                        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") {
                            field.append(byte)
                            index += 1
                        } else {
                            inQuotes = false
                            afterQuote = true
                        }
                    } else {
                        field.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: ","):
                    fields.append(try text(field, file: file, line: line))
                    field.removeAll(keepingCapacity: true)
                    afterQuote = false
                case UInt8(ascii: "\"") where field.isEmpty && !afterQuote:
                    inQuotes = true
                case UInt8(ascii: "\""):
                    throw .invalidCSV(file: file, line: line,
                                      reason: "a quote inside an unquoted field (quote the whole field and double inner quotes)")
                default:
                    if afterQuote {
                        throw .invalidCSV(file: file, line: line, reason: "expected ',' after a closing quote")
                    }
                    field.append(byte)
                }
            }
            if !inQuotes {
                fields.append(try text(field, file: file, line: line))
                return Record(fields: fields, line: startLine)
            }
        }
        if inQuotes {
            throw .invalidCSV(file: file, line: startLine, reason: "a quoted field is not closed before the end of the file")
        }
        return nil
    }

    private static func text(_ bytes: [UInt8], file: String, line: Int) throws(PairsError) -> String {
        try utf8Line(bytes[...], file: file, line: line)
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }
}
