/// A streaming RFC 4180 reader for delimited text (CSV, Excel `;` CSV, TSV, `|`).
///
/// It works on raw bytes in a fixed ``ByteWindow``: a record's fields are byte ranges into
/// the window, and only the three columns the pipeline needs are ever unquoted (in place)
/// or turned into strings. Quoted fields may hold delimiters, doubled quotes and line
/// breaks; records end at LF, CRLF or CR. A quote in the middle of an unquoted field, or
/// after a closing quote, is kept as a literal character (what Excel does).
///
/// Line numbers are physical: the header is line 1, and a quoted cell with line breaks
/// pushes the next record down (CR, LF and CRLF each count once).
final class DelimitedReader {
    /// The longest record kept; a longer one becomes a `row-too-long` rejection.
    static let defaultMaximumRecordBytes = 1 << 20

    let source: String
    let maximumRecordBytes: Int
    private let window: ByteWindow
    private let forcedDelimiter: UInt8?
    private(set) var delimiter: UInt8 = ASCII.comma
    /// 1 for the bytes that end the fast skip inside an unquoted field.
    private let specials: UnsafeMutablePointer<UInt8> = .allocate(capacity: 256)
    private var fields: [FieldRange] = []
    /// The physical line of the record at `window.start`.
    private var line = 1

    struct FieldRange {
        var start: Int
        var end: Int
        var quoted: Bool
    }

    private enum Scan {
        case record(next: Int, breaks: Int)
        case needMore
        case unterminatedQuote(breaks: Int)
        case endOfInput
    }

    init(
        stream: InputByteStream, source: String, delimiter: UInt8? = nil,
        maximumRecordBytes: Int = defaultMaximumRecordBytes
    ) {
        self.source = source
        self.maximumRecordBytes = maximumRecordBytes
        self.forcedDelimiter = delimiter
        window = ByteWindow(stream: stream, capacity: max(4 * maximumRecordBytes, 1 << 16))
        fields.reserveCapacity(64)
        specials.initialize(repeating: 0, count: 256)
    }

    deinit { specials.deallocate() }

    // MARK: - Header

    /// Reads the header row, sniffing the delimiter first unless one was forced.
    ///
    /// Leading blank lines are skipped (they still count as lines).
    ///
    /// - Throws: ``InputError/emptyFile(source:)``, ``InputError/notText(source:line:)``,
    ///   ``InputError/unsupportedEncoding(source:encoding:)``, ``InputError/headerTooLong(source:limit:)``.
    func readHeader() throws -> [String] {
        while true {
            try fillHeaderLine()
            if window.pending == 0 { throw InputError.emptyFile(source: source) }
            try rejectBinary()
            let first = window.base[window.start]
            if first == ASCII.lineFeed || first == ASCII.carriageReturn {
                // A blank line before the header.
                var next = window.start + 1
                if first == ASCII.carriageReturn, next < window.end, window.base[next] == ASCII.lineFeed { next += 1 }
                window.start = next
                line += 1
                continue
            }
            break
        }
        setDelimiter(forcedDelimiter ?? sniffDelimiter())
        while true {
            switch scanRecord() {
            case .record(let next, let breaks):
                let names = fields.map { field -> String in
                    let bytes = cellBytes(field)
                    return String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
                }
                window.start = next
                line += breaks
                return names
            case .needMore:
                if window.pending >= maximumRecordBytes {
                    throw InputError.headerTooLong(source: source, limit: maximumRecordBytes)
                }
                try window.refill()
            case .unterminatedQuote, .endOfInput:
                throw InputError.emptyFile(source: source)
            }
        }
    }

    /// Reads until the window holds a whole first line (outside quotes), the end of the
    /// input, or the record limit.
    private func fillHeaderLine() throws {
        while true {
            if window.pending > 0 {
                var index = window.start
                var inQuotes = false
                let base = window.base
                while index < window.end {
                    let byte = base[index]
                    if byte == ASCII.quote {
                        inQuotes.toggle()
                    } else if !inQuotes, byte == ASCII.lineFeed || byte == ASCII.carriageReturn {
                        // A CR at the very end may be half of a CRLF; one more byte settles it.
                        if index + 1 < window.end || window.atEnd { return }
                        break
                    }
                    index += 1
                }
                if window.pending >= maximumRecordBytes { return }
            }
            if try !window.refill() { return }
        }
    }

    private func rejectBinary() throws {
        let count = min(window.pending, 4096)
        let bytes = UnsafeBufferPointer(start: window.base + window.start, count: count)
        var nulAtEven = 0
        var nulAtOdd = 0
        var firstNul: Int?
        for (offset, byte) in bytes.enumerated() where byte == 0 {
            if offset % 2 == 0 { nulAtEven += 1 } else { nulAtOdd += 1 }
            if firstNul == nil { firstNul = offset }
        }
        guard let firstNul else { return }
        // Text in UTF-16 without a byte-order mark has a NUL in every other byte.
        if count >= 8, max(nulAtEven, nulAtOdd) * 3 >= count {
            let order = nulAtOdd > nulAtEven ? "little-endian" : "big-endian"
            throw InputError.unsupportedEncoding(
                source: source, encoding: "UTF-16 (\(order)) without a byte-order mark")
        }
        var nulLine = line
        for byte in bytes[..<firstNul] where byte == ASCII.lineFeed { nulLine += 1 }
        throw InputError.notText(source: source, line: nulLine)
    }

    /// Picks the delimiter that occurs most often outside quotes on the header line.
    ///
    /// Ties go to `,` then `;`, tab, `|`. A header with none of them is one column.
    private func sniffDelimiter() -> UInt8 {
        let candidates: [UInt8] = [ASCII.comma, ASCII.semicolon, ASCII.tab, ASCII.pipe]
        var counts = [Int](repeating: 0, count: candidates.count)
        var inQuotes = false
        var index = window.start
        let base = window.base
        scan: while index < window.end {
            let byte = base[index]
            switch byte {
            case ASCII.quote: inQuotes.toggle()
            case ASCII.lineFeed, ASCII.carriageReturn: if !inQuotes { break scan }
            default:
                if !inQuotes, let position = candidates.firstIndex(of: byte) { counts[position] += 1 }
            }
            index += 1
        }
        var best = 0
        for position in counts.indices where counts[position] > counts[best] { best = position }
        return candidates[best]
    }

    private func setDelimiter(_ byte: UInt8) {
        delimiter = byte
        specials.update(repeating: 0, count: 256)
        for special in [byte, ASCII.quote, ASCII.lineFeed, ASCII.carriageReturn] { specials[Int(special)] = 1 }
    }

    // MARK: - Records

    /// Reads every data record after the header.
    ///
    /// Hands the selected cells to `body` with the record's first line. Blank records
    /// (every cell empty) are skipped.
    func forEachRow(_ columns: ColumnSelection, _ body: (Int, RawRow) throws -> Void) throws {
        while true {
            switch scanRecord() {
            case .endOfInput:
                return
            case .needMore:
                if window.pending >= maximumRecordBytes {
                    try skipOverlongRecord(body)
                } else {
                    try window.refill()
                }
            case .record(let next, let breaks):
                let recordLine = line
                if next - window.start > maximumRecordBytes {
                    // The whole record fitted in the window, but it is still over the limit.
                    let message = Self.overlongMessage(
                        line: line, bytes: next - window.start, limit: maximumRecordBytes, openQuote: false)
                    try body(
                        line, .rejected(reason: .rowTooLong, message: message, machineId: "", sha1: "", comment: ""))
                } else if !isBlankRecord() {
                    let cells = RawCells(
                        machineId: columns.machineId.map(cell), sha1: columns.sha1.map(cell),
                        comment: columns.comment.map(cell), deviceName: columns.deviceName.map(cell),
                        sha256: columns.sha256.map(cell))
                    try body(recordLine, .cells(cells))
                }
                window.start = next
                line += breaks
            case .unterminatedQuote(let breaks):
                let last = window.base[window.end - 1]
                let endsWithBreak = last == ASCII.lineFeed || last == ASCII.carriageReturn
                let message =
                    "a quoted cell opened on line \(line) is never closed, so the rest of the file "
                    + "(through line \(line + breaks - (endsWithBreak ? 1 : 0))) was read as one cell; close the quote or remove it"
                try body(line, .rejected(reason: .malformedRow, message: message, machineId: "", sha1: "", comment: ""))
                window.start = window.end
                return
            }
        }
    }

    private func isBlankRecord() -> Bool {
        for field in fields where field.end > field.start { return false }
        return true
    }

    private func cell(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index < fields.count else { return UnsafeBufferPointer(start: window.base, count: 0) }
        return cellBytes(fields[index])
    }

    /// The field's content, unquoted in place when it was quoted (the unquoted text is never
    /// longer, and the record is not scanned again).
    private func cellBytes(_ field: FieldRange) -> UnsafeBufferPointer<UInt8> {
        let base = window.base
        guard field.quoted else {
            return UnsafeBufferPointer(start: base + field.start, count: field.end - field.start)
        }
        var read = field.start + 1
        var write = field.start
        while read < field.end {
            let byte = base[read]
            if byte == ASCII.quote {
                if read + 1 < field.end, base[read + 1] == ASCII.quote {
                    base[write] = ASCII.quote
                    write += 1
                    read += 2
                    continue
                }
                // The closing quote: whatever follows it up to the delimiter is literal.
                read += 1
                while read < field.end {
                    base[write] = base[read]
                    write += 1
                    read += 1
                }
                break
            }
            base[write] = byte
            write += 1
            read += 1
        }
        return UnsafeBufferPointer(start: base + field.start, count: write - field.start)
    }

    /// Finds the fields of the record at `window.start` without copying anything.
    private func scanRecord() -> Scan {
        var index = window.start
        let end = window.end
        let atEnd = window.atEnd
        // Work on a local array (moved out and back) so appends skip exclusivity checks.
        var fields = self.fields
        self.fields = []
        fields.removeAll(keepingCapacity: true)
        defer { self.fields = fields }
        if index == end { return atEnd ? .endOfInput : .needMore }
        let base = window.base
        let delimiter = self.delimiter
        let specials = self.specials
        var fieldStart = index
        var quoted = false
        var breaks = 0
        do {
            while true {
                while index < end, specials[Int(base[index])] == 0 { index += 1 }
                if index == end {
                    if !atEnd { return .needMore }
                    fields.append(FieldRange(start: fieldStart, end: index, quoted: quoted))
                    return .record(next: index, breaks: breaks)
                }
                let byte = base[index]
                if byte == delimiter {
                    fields.append(FieldRange(start: fieldStart, end: index, quoted: quoted))
                    index += 1
                    fieldStart = index
                    quoted = false
                } else if byte == ASCII.lineFeed {
                    fields.append(FieldRange(start: fieldStart, end: index, quoted: quoted))
                    return .record(next: index + 1, breaks: breaks + 1)
                } else if byte == ASCII.carriageReturn {
                    if index + 1 < end {
                        fields.append(FieldRange(start: fieldStart, end: index, quoted: quoted))
                        return .record(
                            next: base[index + 1] == ASCII.lineFeed ? index + 2 : index + 1, breaks: breaks + 1)
                    }
                    if !atEnd { return .needMore }
                    fields.append(FieldRange(start: fieldStart, end: index, quoted: quoted))
                    return .record(next: index + 1, breaks: breaks + 1)
                } else if index == fieldStart && !quoted {
                    // An opening quote: scan to the closing one.
                    quoted = true
                    index += 1
                    while true {
                        while index < end {
                            let inner = base[index]
                            if inner == ASCII.quote || inner == ASCII.lineFeed || inner == ASCII.carriageReturn {
                                break
                            }
                            index += 1
                        }
                        if index == end { return atEnd ? .unterminatedQuote(breaks: breaks) : .needMore }
                        let inner = base[index]
                        if inner == ASCII.carriageReturn {
                            breaks += 1
                            index += 1
                        } else if inner == ASCII.lineFeed {
                            if base[index - 1] != ASCII.carriageReturn { breaks += 1 }
                            index += 1
                        } else if index + 1 < end {
                            if base[index + 1] == ASCII.quote {
                                index += 2
                            } else {
                                index += 1
                                break
                            }
                        } else if atEnd {
                            index += 1
                            break
                        } else {
                            return .needMore
                        }
                    }
                } else {
                    // A literal quote inside an unquoted field or after a closing quote.
                    index += 1
                }
            }
        }
    }

    /// Consumes a record longer than the limit without keeping it.
    ///
    /// It is reported as `row-too-long`; the same quoting rules as ``scanRecord()`` decide
    /// where it ends.
    private func skipOverlongRecord(_ body: (Int, RawRow) throws -> Void) throws {
        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var breaks = 0
        var bytes = 0
        var previousWasCR = false
        var pendingCR = false
        var finished = false
        while !finished {
            var index = window.start
            let end = window.end
            let base = window.base
            while index < end {
                let byte = base[index]
                if pendingCR {
                    if byte == ASCII.lineFeed { index += 1 }
                    finished = true
                    break
                }
                switch state {
                case .fieldStart, .unquoted, .quoteInQuoted:
                    if byte == ASCII.lineFeed {
                        breaks += 1
                        index += 1
                        finished = true
                    } else if byte == ASCII.carriageReturn {
                        breaks += 1
                        pendingCR = true
                    } else if byte == delimiter {
                        state = .fieldStart
                    } else if byte == ASCII.quote {
                        state = state == .fieldStart || state == .quoteInQuoted ? .quoted : .unquoted
                    } else {
                        state = .unquoted
                    }
                case .quoted:
                    if byte == ASCII.quote {
                        state = .quoteInQuoted
                    } else if byte == ASCII.carriageReturn {
                        breaks += 1
                    } else if byte == ASCII.lineFeed, !previousWasCR {
                        breaks += 1
                    }
                }
                if finished { break }
                previousWasCR = byte == ASCII.carriageReturn
                index += 1
            }
            bytes += index - window.start
            window.start = index
            if finished { break }
            if try !window.refill() { break }
        }
        let message = Self.overlongMessage(
            line: line, bytes: bytes, limit: maximumRecordBytes, openQuote: state == .quoted)
        try body(line, .rejected(reason: .rowTooLong, message: message, machineId: "", sha1: "", comment: ""))
        line += breaks
    }
}

extension DelimitedReader {
    static func overlongMessage(line: Int, bytes: Int, limit: Int, openQuote: Bool) -> String {
        "the record starting on line \(line) is \(bytes) bytes long, over the limit of \(limit) bytes; "
            + (openQuote
                ? "a quote on that line is never closed; close it or remove it"
                : "remove the oversized cell or split the record")
    }
}
