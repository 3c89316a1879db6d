/// The shape of an input file.
///
/// `csv` means "delimited, delimiter sniffed from the header line" (`,` `;` tab `|`);
/// `tsv` forces the tab delimiter; `jsonl` is one JSON object per line; `json` is one JSON
/// array of objects.
public enum InputFormat: String, Sendable, Codable, CaseIterable {
    case csv, tsv, jsonl, json

    /// The format a file name implies, or `nil` when its extension says nothing.
    ///
    /// `.csv` and `.txt` are delimited with a sniffed delimiter, `.tsv` and `.tab` are
    /// tab-delimited, `.jsonl` and `.ndjson` are JSON lines, `.json` is a JSON array.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv", "txt": self = .csv
        case "tsv", "tab": self = .tsv
        case "jsonl", "ndjson": self = .jsonl
        case "json": self = .json
        default: return nil
        }
    }
}
