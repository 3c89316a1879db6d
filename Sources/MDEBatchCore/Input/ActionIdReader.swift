import Crypto
import Foundation

/// One row of a file of action ids (`cancel --from-report`), before validation.
public struct ActionIdRow: Sendable, Hashable {
    public var location: RowLocation
    /// The cell as read, trimmed; empty when the row has none.
    public var actionId: String
    /// The report's machine id and SHA-1, when the file has those columns (for the report).
    public var machineId: String
    public var sha1: String
    /// Why the record could not be read at all, when it could not.
    public var problem: String?

    public init(location: RowLocation, actionId: String, machineId: String, sha1: String, problem: String?) {
        self.location = location
        self.actionId = actionId
        self.machineId = machineId
        self.sha1 = sha1
        self.problem = problem
    }
}

/// Reads the action ids of a file: this tool's CSV report, or any delimited or JSON-lines
/// file with an action id column.
///
/// The column is found like the input columns (case-insensitively, ignoring spaces, `_`,
/// `-` and `.`) among `actionId`, `action_id`, `id`, `Action ID`; `actionId` wins over `id`
/// when both are present. Delimited files go through the same RFC 4180 reader as inputs
/// (sniffed delimiter, BOM, UTF-16); `.jsonl`/`.ndjson` are JSON lines and `.json` a JSON
/// array of objects. A file with no such column, or that is not text of these shapes, is
/// an ``InputError`` (the CLI exits 65).
public struct ActionIdReader: Sendable {
    /// The documented aliases, best first.
    public static let aliases = ["actionId", "action_id", "id", "Action ID"]

    public var format: InputFormat?
    /// Replaces the aliases (`--action-id-column`).
    public var column: String?

    public init(format: InputFormat? = nil, column: String? = nil) {
        self.format = format
        self.column = column
    }

    /// Reads every row in order.
    ///
    /// - Returns: the SHA-256 (hex) of the file's bytes.
    /// - Throws: ``InputError`` for an unusable file; whatever `onRow` throws.
    public func read(path: String, onRow: (ActionIdRow) throws -> Void) throws -> String {
        let stream = try InputByteStream(path: path)
        switch format ?? InputFormat(path: path) ?? .csv {
        case .csv, .tsv:
            try readDelimited(stream, path: path, tab: (format ?? InputFormat(path: path)) == .tsv, onRow: onRow)
        case .jsonl:
            try readJSONLines(stream, path: path, onRow: onRow)
        case .json:
            try readJSONArray(stream, path: path, onRow: onRow)
        }
        return try stream.finish().map { String(format: "%02x", $0) }.joined()
    }

    /// The rank of a column name among the aliases (0 is best), or nil.
    func rank(of name: String) -> Int? {
        let key = ColumnMatcher.normalize(name)
        if let column { return ColumnMatcher.normalize(column) == key ? 0 : nil }
        var seen: [String] = []
        for alias in Self.aliases where !seen.contains(ColumnMatcher.normalize(alias)) {
            seen.append(ColumnMatcher.normalize(alias))
        }
        return seen.firstIndex(of: key)
    }

    private func missingColumn(_ path: String, found: [String]) -> InputError {
        .missingColumn(
            source: path, column: "action id", lookedFor: column.map { ["\"\($0)\""] } ?? Self.aliases, found: found)
    }

    /// The best-ranked column among `names` for the action id, and the machine id and SHA-1 columns.
    private func columns(_ names: [String]) -> (actionId: Int?, machineId: Int?, sha1: Int?) {
        var best: (index: Int, rank: Int)?
        for (index, name) in names.enumerated() {
            guard let rank = rank(of: name) else { continue }
            if let current = best, current.rank <= rank { continue }
            best = (index, rank)
        }
        let matcher = ColumnMatcher(options: IngestOptions())
        let machineId = names.firstIndex { matcher.role(of: $0)?.role == .machineId }
        let sha1 = names.firstIndex { matcher.role(of: $0)?.role == .sha1 }
        return (best?.index, machineId, sha1)
    }

    private func readDelimited(
        _ stream: InputByteStream, path: String, tab: Bool, onRow: (ActionIdRow) throws -> Void
    ) throws {
        let reader = DelimitedReader(stream: stream, source: path, delimiter: tab ? ASCII.tab : nil)
        let header = try reader.readHeader()
        let found = columns(header)
        guard let actionId = found.actionId else { throw missingColumn(path, found: header) }
        // The reader hands out three cells: here they are the action id, machine id and SHA-1.
        let selection = ColumnSelection(machineId: actionId, sha1: found.machineId, comment: found.sha1)
        try reader.forEachRow(selection) { line, raw in
            let location = RowLocation(source: path, line: line)
            switch raw {
            case .cells(let cells):
                func text(_ cell: UnsafeBufferPointer<UInt8>?) -> String {
                    cell.map { String(decoding: $0, as: UTF8.self).trimmingASCIIWhitespace() } ?? ""
                }
                try onRow(
                    ActionIdRow(
                        location: location, actionId: text(cells.machineId), machineId: text(cells.sha1),
                        sha1: text(cells.comment), problem: nil))
            case .rejected(_, let message, _, _, _):
                try onRow(ActionIdRow(location: location, actionId: "", machineId: "", sha1: "", problem: message))
            }
        }
    }

    /// The whole file as UTF-8 text (an action-id file is small: one id per action).
    private func text(of stream: InputByteStream) throws -> String {
        var bytes: [UInt8] = []
        let chunk = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 16)
        defer { chunk.deallocate() }
        while true {
            let count = try stream.read(into: chunk)
            if count == 0 { break }
            bytes.append(contentsOf: chunk.prefix(count))
        }
        if bytes.contains(0) { throw InputError.notText(source: stream.name, line: 1) }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func readJSONLines(_ stream: InputByteStream, path: String, onRow: (ActionIdRow) throws -> Void) throws {
        let text = try text(of: stream)
        var objects: [(line: Int, value: Any?)] = []
        var line = 0
        for piece in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            line += 1
            let trimmed = String(piece).trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            objects.append((line, try? JSONSerialization.jsonObject(with: Data(trimmed.utf8), options: [.fragmentsAllowed])))
        }
        if objects.isEmpty { throw InputError.emptyFile(source: path) }
        guard objects.contains(where: { $0.value is [String: Any] }) else {
            throw InputError.malformedJSON(
                source: path, line: objects[0].line, detail: "no line is a JSON object; the file is neither CSV nor JSON lines")
        }
        try readObjects(objects, path: path, what: "line", onRow: onRow)
    }

    private func readJSONArray(_ stream: InputByteStream, path: String, onRow: (ActionIdRow) throws -> Void) throws {
        let text = try text(of: stream)
        if text.trimmingASCIIWhitespace().isEmpty { throw InputError.emptyFile(source: path) }
        guard let array = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any] else {
            throw InputError.malformedJSON(source: path, line: 1, detail: "the file is not a JSON array of objects")
        }
        // A parsed array has no line numbers: elements are numbered from 1.
        try readObjects(array.enumerated().map { ($0.offset + 1, $0.element) }, path: path, what: "element", onRow: onRow)
    }

    private func readObjects(
        _ objects: [(line: Int, value: Any?)], path: String, what: String, onRow: (ActionIdRow) throws -> Void
    ) throws {
        var checkedColumn = false
        for (line, value) in objects {
            let location = RowLocation(source: path, line: line)
            guard let object = value as? [String: Any] else {
                try onRow(
                    ActionIdRow(
                        location: location, actionId: "", machineId: "", sha1: "",
                        problem: value == nil ? "the \(what) is not valid JSON" : "the \(what) is not a JSON object"))
                continue
            }
            let keys = object.keys.sorted()
            let found = columns(keys)
            if !checkedColumn {
                checkedColumn = true
                if found.actionId == nil { throw missingColumn(path, found: keys) }
            }
            func string(_ index: Int?) -> String? {
                guard let index else { return nil }
                return object[keys[index]] as? String
            }
            guard let index = found.actionId, let raw = object[keys[index]], !(raw is NSNull) else {
                // No id in this object: nothing to cancel (a report row that failed has none).
                try onRow(ActionIdRow(location: location, actionId: "", machineId: "", sha1: "", problem: nil))
                continue
            }
            guard let id = raw as? String else {
                try onRow(
                    ActionIdRow(
                        location: location, actionId: "", machineId: "", sha1: "",
                        problem: "\"\(keys[index])\" is not a string; put the value in quotes"))
                continue
            }
            try onRow(
                ActionIdRow(
                    location: location, actionId: id.trimmingASCIIWhitespace(),
                    machineId: string(found.machineId)?.trimmingASCIIWhitespace() ?? "",
                    sha1: string(found.sha1)?.trimmingASCIIWhitespace() ?? "", problem: nil))
        }
    }
}

extension ActionIdRow {
    /// The action id, lower-cased, when it is a GUID (docs/API.md, "Identifiers"); nil otherwise.
    public var normalizedActionId: String? {
        let value = actionId.hasPrefix("{") && actionId.hasSuffix("}") ? String(actionId.dropFirst().dropLast()) : actionId
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12],
            groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) })
        else { return nil }
        return value.lowercased()
    }
}
