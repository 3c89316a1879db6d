/// A problem that makes a whole input unusable (the CLI exits 65).
///
/// The pipeline collects these in ``IngestSummary/fileErrors`` and goes on with the other
/// inputs. Row-level problems are ``RejectionReason``s instead.
public enum InputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No file at this path.
    case fileNotFound(path: String)
    /// The file exists but cannot be read (permissions, a directory, an I/O error).
    case unreadable(path: String, reason: String)
    /// Standard input was given without `--format`.
    case formatRequiredForStandardInput
    /// The file is empty or holds only blank lines: there is no header row.
    case emptyFile(source: String)
    /// A required column is not in the header.
    ///
    /// - Parameters:
    ///   - column: what was looked for, in words (`machine id`, `sha1`).
    ///   - lookedFor: the names (or the one override) that would have matched.
    ///   - found: the column names the header does have.
    case missingColumn(source: String, column: String, lookedFor: [String], found: [String])
    /// NUL bytes where text was expected: a spreadsheet workbook, an archive, an image.
    case notText(source: String, line: Int)
    /// A byte-order mark or byte pattern of an encoding the reader does not transcode.
    case unsupportedEncoding(source: String, encoding: String)
    /// The header line alone is longer than the record limit.
    case headerTooLong(source: String, limit: Int)
    /// A JSON input whose overall structure is wrong (not an array, text after the end).
    case malformedJSON(source: String, line: Int, detail: String)

    public var description: String {
        switch self {
        case .fileNotFound(let path):
            return "Input file \"\(path)\" does not exist; check the path."
        case .unreadable(let path, let reason):
            return "Input file \"\(path)\" cannot be read (\(reason)); check that it is a readable file."
        case .formatRequiredForStandardInput:
            return "Standard input (-) has no file extension to tell its format; pass --format csv, tsv, jsonl or json."
        case .emptyFile(let source):
            return "\(source) is empty: there is no header row; export the spreadsheet again with its header line."
        case .missingColumn(let source, let column, let lookedFor, let found):
            let foundText = found.isEmpty ? "no columns" : found.map { "\"\($0)\"" }.joined(separator: ", ")
            let option: String
            switch column {
            case "machine id": option = "--machine-column NAME"
            case "machine id or device name": option = "--machine-column NAME (or --device-name-column NAME)"
            case "sha1": option = "--sha1-column NAME"
            case "sha1 or sha256": option = "--sha1-column NAME (or --sha256-column NAME)"
            case "action id": option = "--action-id-column NAME"
            default: option = "--comment-column NAME"
            }
            return "\(source) has no \(column) column (looked for \(lookedFor.joined(separator: ", "))); "
                + "it has \(foundText). Rename the column or pass \(option)."
        case .notText(let source, let line):
            return "\(source) does not look like a text file (NUL bytes on line \(line)); "
                + "if it is an Excel workbook, save it as \"CSV UTF-8\" first."
        case .unsupportedEncoding(let source, let encoding):
            return "\(source) is encoded as \(encoding), which is not supported; save it as UTF-8 "
                + "(Excel: \"CSV UTF-8\") or as UTF-16 with a byte-order mark (Excel: \"Unicode Text\")."
        case .headerTooLong(let source, let limit):
            return "\(source) has a header line longer than \(limit) bytes; check that it is a delimited text file "
                + "with a header row."
        case .malformedJSON(let source, let line, let detail):
            return "\(source):\(line) is not valid here: \(detail); the file must be a JSON array of objects "
                + "(or JSON lines with --format jsonl)."
        }
    }
}
