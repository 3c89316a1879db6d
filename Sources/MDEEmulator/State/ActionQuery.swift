import Foundation

/// The OData query of `GET /api/machineactions`: `$filter`, `$orderby`, `$count`, `$top`, `$skip`.
///
/// `$filter` grammar (what the tool and the docs use): clauses joined by `and`, each one of
/// - `PROPERTY eq 'text'` for `id`, `status`, `machineId`, `type`, `requestor`;
/// - `creationDateTimeUtc (eq|ge|gt|le|lt) 2024-01-01T00:00:00Z` (unquoted UTC literal);
/// - `PROPERTY in ('a', 'b', …)` for `id`, `machineId`, `status`.
/// Property names and operators are case-insensitive; `''` escapes a quote inside a literal.
///
/// `$orderby`: comma-separated keys `PROPERTY [asc|desc]` (default `asc`) on the filterable
/// properties; ties keep creation order. `$count=true` adds `@odata.count`, the number of matching
/// actions before `$skip` and `$top`. Neither is documented for this endpoint, but production
/// clients send `$orderby=CreationDateTimeUtc desc` and `$count=true`, so the emulator serves them
/// (https://learn.microsoft.com/en-us/defender-endpoint/api/get-machineactions-collection documents
/// `$filter`, `$top` and `$skip` only).
struct ActionQuery: Sendable, Equatable {
    var conditions: [Condition] = []
    var top: Int?
    var skip: Int = 0
    /// The raw `$filter` text, for next links.
    var filterText: String?
    /// The sort keys of `$orderby`, most significant first; empty means creation order.
    var orderBy: [SortKey] = []
    /// The raw `$orderby` text, for next links.
    var orderByText: String?
    /// Whether `$count=true` asked for `@odata.count`.
    var count = false

    static let maxTop = 10_000

    enum Property: String, Sendable, CaseIterable {
        case id, status, machineId, type, requestor, creationDateTimeUtc
    }

    enum Comparison: String, Sendable {
        case eq, ge, gt, le, lt
    }

    /// One `$orderby` key.
    struct SortKey: Sendable, Equatable {
        var property: Property
        var descending: Bool
    }

    enum Condition: Sendable, Equatable {
        /// `eq` on a text property (compared case-insensitively).
        case equals(Property, String)
        case oneOf(Property, [String])
        case time(Comparison, EmulatorInstant)
    }

    /// Parses the query options of a request. Throws an `ODataError` for unknown `$` options and malformed values.
    init(options: [(name: String, value: String)]) throws(MDEError) {
        for (name, value) in options {
            switch name.lowercased() {
            case "$filter":
                filterText = value
                conditions = try Self.parseFilter(value)
            case "$top":
                guard let number = Int(value), number >= 0 else {
                    throw .odata(
                        "Invalid value '\(value)' for $top query option found. The $top query option requires a non-negative integer value."
                    )
                }
                guard number <= Self.maxTop else {
                    throw .odata(
                        "The limit of '\(Self.maxTop)' for Top query has been exceeded. The value from the incoming request is '\(number)'."
                    )
                }
                top = number
            case "$orderby":
                orderByText = value
                orderBy = try Self.parseOrderBy(value)
            case "$count":
                switch value.lowercased() {
                case "true": count = true
                case "false": count = false
                default: throw .odata("'\(value)' is not a valid count option.")
                }
            case "$skip":
                guard let number = Int(value), number >= 0 else {
                    throw .odata(
                        "Invalid value '\(value)' for $skip query option found. The $skip query option requires a non-negative integer value."
                    )
                }
                skip = number
            default:
                if name.hasPrefix("$") {
                    throw .odata("Custom query option '\(name)' that starts with '$' is not supported.")
                }
            }
        }
    }

    init() {}

    func matches(_ action: MachineAction) -> Bool {
        conditions.allSatisfy { condition in
            switch condition {
            case .equals(let property, let expected):
                return Self.text(of: property, in: action)?.lowercased() == expected.lowercased()
            case .oneOf(let property, let values):
                let actual = Self.text(of: property, in: action)?.lowercased()
                return values.contains { $0.lowercased() == actual }
            case .time(let comparison, let literal):
                guard let created = EmulatorInstant(iso8601: action.creationDateTimeUtc) else { return false }
                switch comparison {
                case .eq: return created == literal
                case .ge: return created >= literal
                case .gt: return created > literal
                case .le: return created <= literal
                case .lt: return created < literal
                }
            }
        }
    }

    /// `actions` (in creation order) sorted by `orderBy`; ties keep their order.
    func sorted(_ actions: [MachineAction]) -> [MachineAction] {
        guard !orderBy.isEmpty else { return actions }
        return actions.enumerated().sorted { left, right in
            for key in orderBy {
                let order = Self.compare(key.property, left.element, right.element)
                if order != .orderedSame {
                    return key.descending ? order == .orderedDescending : order == .orderedAscending
                }
            }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// Creation times compare as instants; text properties (including the enums `status` and
    /// `type`, by name) compare ordinally, case-insensitively; a missing value sorts first.
    private static func compare(_ property: Property, _ left: MachineAction, _ right: MachineAction) -> ComparisonResult {
        if property == .creationDateTimeUtc,
            let a = EmulatorInstant(iso8601: left.creationDateTimeUtc),
            let b = EmulatorInstant(iso8601: right.creationDateTimeUtc)
        {
            return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
        }
        let a = text(of: property, in: left)?.lowercased() ?? ""
        let b = text(of: property, in: right)?.lowercased() ?? ""
        return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
    }

    private static func text(of property: Property, in action: MachineAction) -> String? {
        switch property {
        case .id: action.id
        case .status: action.status
        case .machineId: action.machineId
        case .type: action.type
        case .requestor: action.requestor
        case .creationDateTimeUtc: action.creationDateTimeUtc
        }
    }

    static let statuses = ["Pending", "InProgress", "Succeeded", "Failed", "TimeOut", "Cancelled"]
    static let types = [
        "RunAntiVirusScan", "Offboard", "LiveResponse", "CollectInvestigationPackage", "Isolate", "Unisolate",
        "StopAndQuarantineFile", "RestrictCodeExecution", "UnrestrictCodeExecution",
    ]

    // MARK: - $orderby

    static func parseOrderBy(_ text: String) throws(MDEError) -> [SortKey] {
        var keys: [SortKey] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let words = item.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard !words.isEmpty, words.count <= 2 else {
                throw .odata("Syntax error in $orderby '\(text)': expected PROPERTY [asc|desc] items separated by commas.")
            }
            let name = String(words[0])
            guard let property = Property.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                if MachineAction.wireFieldNames.contains(where: { $0.lowercased() == name.lowercased() }) {
                    throw .odata("The property '\(name)' cannot be used in the $orderby query option.")
                }
                throw .odata(
                    "Could not find a property named '\(name)' on type 'microsoft.windowsDefenderATP.api.PublicMachineActionDto'."
                )
            }
            var descending = false
            if words.count == 2 {
                switch words[1].lowercased() {
                case "asc": descending = false
                case "desc": descending = true
                default:
                    throw .odata(
                        "Syntax error in $orderby '\(text)': expected 'asc' or 'desc' after '\(name)', found '\(words[1])'.")
                }
            }
            guard !keys.contains(where: { $0.property == property }) else {
                throw .odata("Duplicate property named '\(name)' is not supported in '$orderby'.")
            }
            keys.append(SortKey(property: property, descending: descending))
        }
        return keys
    }

    // MARK: - $filter

    static func parseFilter(_ text: String) throws(MDEError) -> [Condition] {
        var tokens = try ODataToken.tokenize(text)[...]
        guard !tokens.isEmpty else { throw .odata("The $filter expression is empty.") }
        var conditions: [Condition] = []
        while true {
            conditions.append(try parseClause(&tokens))
            guard let next = tokens.popFirst() else { break }
            guard case .word(let word) = next, word.lowercased() == "and" else {
                throw .odata("Syntax error in $filter '\(text)': expected 'and' after a condition (only 'and' is supported).")
            }
        }
        return conditions
    }

    private static func parseClause(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Condition {
        guard case .word(let name)? = tokens.popFirst() else {
            throw .odata("Syntax error in $filter: expected a property name.")
        }
        guard let property = Property.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
            throw .odata(
                "Could not find a property named '\(name)' on type 'microsoft.windowsDefenderATP.api.PublicMachineActionDto'.")
        }
        guard case .word(let op)? = tokens.popFirst() else {
            throw .odata("Syntax error in $filter: expected an operator after '\(name)'.")
        }
        let lowered = op.lowercased()
        if lowered == "in" {
            guard property != .creationDateTimeUtc else {
                throw .odata("The 'in' operator is not supported on '\(name)'.")
            }
            guard tokens.popFirst() == .open else { throw .odata("Syntax error in $filter: expected '(' after 'in'.") }
            var values: [String] = []
            while true {
                guard case .string(let value)? = tokens.popFirst() else {
                    throw .odata("Syntax error in $filter: expected a quoted literal in the 'in' list.")
                }
                values.append(try validated(value, for: property))
                let next = tokens.popFirst()
                if next == .close { break }
                guard next == .comma else { throw .odata("Syntax error in $filter: expected ',' or ')' in the 'in' list.") }
            }
            return .oneOf(property, values)
        }
        guard let comparison = Comparison(rawValue: lowered) else {
            throw .odata("Syntax error in $filter: unknown or unsupported operator '\(op)'.")
        }
        switch (property, tokens.popFirst()) {
        case (.creationDateTimeUtc, .word(let literal)?):
            guard let instant = EmulatorInstant(iso8601: literal) else {
                throw .odata("The DateTimeOffset literal '\(literal)' is not valid; write it like 2024-01-01T00:00:00Z.")
            }
            return .time(comparison, instant)
        case (.creationDateTimeUtc, _):
            throw .odata(
                "A binary operator with incompatible types was detected. Compare creationDateTimeUtc with an unquoted literal such as 2024-01-01T00:00:00Z."
            )
        case (_, .string(let value)?):
            guard comparison == .eq else {
                throw .odata("The operator '\(op)' is not supported on '\(name)'; use eq.")
            }
            return .equals(property, try validated(value, for: property))
        default:
            throw .odata("Syntax error in $filter: expected a quoted literal after '\(name) \(op)'.")
        }
    }

    private static func validated(_ value: String, for property: Property) throws(MDEError) -> String {
        switch property {
        case .status where !statuses.contains(where: { $0.lowercased() == value.lowercased() }):
            throw .odata("The string '\(value)' is not a valid enumeration type constant for status.")
        case .type where !types.contains(where: { $0.lowercased() == value.lowercased() }):
            throw .odata("The string '\(value)' is not a valid enumeration type constant for type.")
        default:
            return value
        }
    }
}

/// Splits a raw query string into decoded (name, value) pairs (`+` is a space, `%XX` is decoded).
func decodeQuery(_ query: String?) -> [(name: String, value: String)] {
    guard let query, !query.isEmpty else { return [] }
    return query.split(separator: "&").map { pair in
        let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
    }
}

/// Percent-encodes a query value for a next link.
func encodeQueryValue(_ value: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~'(),:")
    return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
}
