/// Reads a JSON array of objects element by element, without holding the whole file.
///
/// A small state machine finds where each element starts and ends (tracking strings,
/// escapes and nesting); each element is then parsed on its own, so a broken element is
/// one `malformed-row` and the next element still reads. A row's line is the line of
/// the element's first byte (its opening brace).
///
/// A file whose first value is an object rather than an array is read as a sequence of
/// objects (JSON lines that were saved as `.json`).
final class JSONArrayReader {
    let source: String
    let maximumRecordBytes: Int
    private let window: ByteWindow
    private var cells: JSONObjectCells

    private enum State {
        case beforeTopLevel, betweenElements, inElement, afterArray
    }

    init(
        stream: InputByteStream, source: String, matcher: ColumnMatcher,
        maximumRecordBytes: Int = DelimitedReader.defaultMaximumRecordBytes
    ) {
        self.source = source
        self.maximumRecordBytes = maximumRecordBytes
        window = ByteWindow(stream: stream, capacity: 1 << 20)
        cells = JSONObjectCells(source: source, matcher: matcher)
    }

    /// Reads every element and hands it to `body` with the line it starts on.
    ///
    /// - Throws: ``InputError/emptyFile(source:)``, ``InputError/malformedJSON(source:line:detail:)``
    ///   for a file that is not an array (or has text after it), the missing-column error
    ///   of the first object, and whatever `body` throws.
    func forEachRow(_ body: (Int, RawRow) throws -> Void) throws {
        var state = State.beforeTopLevel
        var inArray = false
        var line = 1
        var previousWasCR = false
        var element: [UInt8] = []
        var elementLine = 0
        var elementBytes = 0
        var depth = 0
        var inString = false
        var escaped = false
        var scalar = false

        func startElement(_ byte: UInt8) {
            state = .inElement
            elementLine = line
            depth = 0
            inString = false
            escaped = false
            scalar = byte != UInt8(ascii: "{") && byte != UInt8(ascii: "[")
            if byte == ASCII.quote { inString = true }
            if !scalar { depth = 1 }
            element.removeAll(keepingCapacity: true)
            elementBytes = 0
            append(byte)
        }

        func append(_ byte: UInt8) {
            elementBytes += 1
            if elementBytes <= maximumRecordBytes { element.append(byte) }
        }

        func finishElement() throws {
            if elementBytes > maximumRecordBytes {
                let message =
                    "the element starting on line \(elementLine) is \(elementBytes) bytes long, over the limit of "
                    + "\(maximumRecordBytes) bytes; each element must be a small object of strings"
                try body(
                    elementLine, .rejected(reason: .rowTooLong, message: message, machineId: "", sha1: "", comment: ""))
            } else {
                try element.withUnsafeBufferPointer { bytes in
                    try cells.read(bytes, line: elementLine, what: "element", body)
                }
            }
            element.removeAll(keepingCapacity: element.capacity <= 1 << 16)
            elementBytes = 0
            state = inArray ? .betweenElements : .afterArray
        }

        while true {
            if window.pending == 0 {
                if try !window.refill() { break }
            }
            let base = window.base
            var index = window.start
            let end = window.end
            while index < end {
                let byte = base[index]
                index += 1
                if byte == ASCII.carriageReturn || (byte == ASCII.lineFeed && !previousWasCR) {
                    line += 1
                }
                previousWasCR = byte == ASCII.carriageReturn
                let isSpace =
                    byte == ASCII.space || byte == ASCII.tab || byte == ASCII.lineFeed || byte == ASCII.carriageReturn
                switch state {
                case .beforeTopLevel:
                    if isSpace { continue }
                    if byte == UInt8(ascii: "[") {
                        inArray = true
                        state = .betweenElements
                    } else if byte == UInt8(ascii: "{") {
                        inArray = false
                        startElement(byte)
                    } else {
                        throw InputError.malformedJSON(
                            source: source,
                            line: line,
                            detail: "it starts with \"\(Character(Unicode.Scalar(byte)))\" instead of \"[\""
                        )
                    }
                case .betweenElements:
                    if isSpace || byte == ASCII.comma { continue }
                    if byte == UInt8(ascii: "]") {
                        state = .afterArray
                    } else {
                        startElement(byte)
                    }
                case .inElement:
                    if scalar && !inString && (isSpace || byte == ASCII.comma || byte == UInt8(ascii: "]")) {
                        try finishElement()
                        if byte == UInt8(ascii: "]") { state = .afterArray }
                        continue
                    }
                    append(byte)
                    if inString {
                        if escaped {
                            escaped = false
                        } else if byte == UInt8(ascii: "\\") {
                            escaped = true
                        } else if byte == ASCII.quote {
                            inString = false
                            if scalar && depth == 0 { try finishElement() }
                        }
                    } else if byte == ASCII.quote {
                        inString = true
                    } else if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                        depth += 1
                    } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                        depth -= 1
                        if depth == 0 { try finishElement() }
                    }
                case .afterArray:
                    if isSpace { continue }
                    if !inArray && byte == UInt8(ascii: "{") {
                        startElement(byte)
                        continue
                    }
                    window.start = window.end
                    throw InputError.malformedJSON(
                        source: source, line: line, detail: "there is more text after the end of the array")
                }
            }
            window.start = index
        }

        switch state {
        case .beforeTopLevel:
            throw InputError.emptyFile(source: source)
        case .inElement:
            if scalar && !inString {
                try finishElement()
            } else {
                try body(
                    elementLine,
                    .rejected(
                        reason: .malformedRow,
                        message:
                            "the file ends inside the element that starts on line \(elementLine); the file looks truncated",
                        machineId: "",
                        sha1: "",
                        comment: ""
                    )
                )
            }
            if inArray {
                throw InputError.malformedJSON(
                    source: source, line: line, detail: "the array is never closed (missing \"]\")")
            }
        case .betweenElements:
            throw InputError.malformedJSON(
                source: source, line: line, detail: "the array is never closed (missing \"]\")")
        case .afterArray:
            break
        }
    }
}
