import Foundation

/// Turns one JSON text (a JSON line or an array element) into a ``RawRow``.
///
/// Keys are matched like header names (``ColumnMatcher``). Values must be strings; `null`
/// counts as absent. The first object decides whether the input has the required keys
/// at all (a file-level ``InputError/missingColumn(source:column:lookedFor:found:)``);
/// later objects without them are rejected row by row.
struct JSONObjectCells {
    let source: String
    let matcher: ColumnMatcher
    private var roles: [String: (role: ColumnMatcher.Role, rank: Int)?] = [:]
    private var sawObject = false

    init(source: String, matcher: ColumnMatcher) {
        self.source = source
        self.matcher = matcher
    }

    /// Parses `bytes` and hands the row to `body`.
    ///
    /// - Parameter what: `line` or `element`, for messages.
    /// - Throws: ``InputError`` for a first object without the required keys; whatever
    ///   `body` throws.
    mutating func read(
        _ bytes: UnsafeBufferPointer<UInt8>,
        line: Int,
        what: String,
        _ body: (Int, RawRow) throws -> Void
    ) throws {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: Data(buffer: bytes), options: [.fragmentsAllowed])
        } catch {
            if String(validating: bytes, as: UTF8.self) == nil {
                try reject(.invalidEncoding, "the \(what) is not valid UTF-8; save the file as UTF-8", line: line, body)
            } else {
                let preview = String(decoding: bytes.prefix(40), as: UTF8.self)
                try reject(
                    .malformedRow,
                    "the \(what) is not valid JSON (it starts \"\(preview)\"); each \(what) must be one JSON object",
                    line: line,
                    body
                )
            }
            return
        }
        guard let object = parsed as? [String: Any] else {
            try reject(.malformedRow, "the \(what) is \(Self.kind(of: parsed)), not a JSON object", line: line, body)
            return
        }

        var chosen: [ColumnMatcher.Role: (key: String, rank: Int)] = [:]
        for key in object.keys {
            let match: (role: ColumnMatcher.Role, rank: Int)?
            if let cached = roles[key] {
                match = cached
            } else {
                match = matcher.role(of: key)
                roles[key] = match
            }
            guard let match else { continue }
            if let current = chosen[match.role],
                current.rank < match.rank || (current.rank == match.rank && current.key < key)
            {
                continue
            }
            chosen[match.role] = (key, match.rank)
        }
        if !sawObject {
            sawObject = true
            if let missing = matcher.missingRole(present: Set(chosen.keys)) {
                throw matcher.missingColumn(missing, source: source, found: object.keys.sorted())
            }
        }

        var values: [ColumnMatcher.Role: String] = [:]
        var problem: String?
        for role in ColumnMatcher.Role.allCases {
            guard let choice = chosen[role] else { continue }
            let value = object[choice.key]
            if let text = value as? String {
                values[role] = text
            } else if !(value is NSNull), problem == nil {
                problem = "\"\(choice.key)\" is \(Self.kind(of: value as Any)), not a string; put the value in quotes"
            }
        }
        if let problem {
            try body(
                line,
                .rejected(
                    reason: .malformedRow,
                    message: problem,
                    machineId: values[.machineId] ?? "",
                    sha1: values[.sha1] ?? "",
                    comment: values[.comment] ?? ""
                )
            )
            return
        }
        var texts = values
        try Self.withCells(&texts) { cells in try body(line, .cells(cells)) }
    }

    /// Hands the values' UTF-8 bytes to `body` as cells. A role without a value is absent,
    /// except the machine id and sha1, which read as empty (a row without them is rejected
    /// as missing, not as unreadable).
    private static func withCells(
        _ values: inout [ColumnMatcher.Role: String], _ body: (RawCells) throws -> Void
    ) throws {
        var cells = RawCells(machineId: nil, sha1: nil, comment: nil)
        func with(_ roles: ArraySlice<ColumnMatcher.Role>) throws {
            guard let role = roles.first else { return try body(cells) }
            guard var text = values[role] else { return try with(roles.dropFirst()) }
            try text.withUTF8 { bytes in
                switch role {
                case .machineId: cells.machineId = bytes
                case .sha1: cells.sha1 = bytes
                case .comment: cells.comment = bytes
                case .deviceName: cells.deviceName = bytes
                case .sha256: cells.sha256 = bytes
                }
                try with(roles.dropFirst())
            }
        }
        try with(ColumnMatcher.Role.allCases[...])
    }

    private func reject(_ reason: RejectionReason, _ message: String, line: Int, _ body: (Int, RawRow) throws -> Void)
        throws
    {
        try body(line, .rejected(reason: reason, message: message, machineId: "", sha1: "", comment: ""))
    }

    private static func kind(of value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is [Any]: return "an array"
        case is [String: Any]: return "an object"
        case is NSNull: return "null"
        case is NSNumber: return "a number or boolean"
        default: return "a \(type(of: value))"
        }
    }
}
