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
            for role in [ColumnMatcher.Role.machineId, .sha1] where chosen[role] == nil {
                throw matcher.missingColumn(role, source: source, found: object.keys.sorted())
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
        var machineId = values[.machineId] ?? ""
        var sha1 = values[.sha1] ?? ""
        let comment = values[.comment]
        try machineId.withUTF8 { machineBytes in
            try sha1.withUTF8 { sha1Bytes in
                if var comment {
                    try comment.withUTF8 { commentBytes in
                        try body(line, .cells(machineId: machineBytes, sha1: sha1Bytes, comment: commentBytes))
                    }
                } else {
                    try body(line, .cells(machineId: machineBytes, sha1: sha1Bytes, comment: nil))
                }
            }
        }
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
