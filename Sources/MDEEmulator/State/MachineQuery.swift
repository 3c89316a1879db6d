import Foundation

/// The OData query of `GET /api/machines`: `$filter`, `$orderby`, `$count`, `$top`, `$skip`.
///
/// `$filter` grammar: conditions combined with `and` and `or` (`and` binds tighter; parentheses
/// group), each one of
/// - `PROPERTY eq 'text'` / `PROPERTY ne 'text'` on a text property;
/// - `PROPERTY in ('a', 'b', …)` on a text property (or `rbacGroupId in (1, 2)`);
/// - `startswith(PROPERTY, 'text')` on a text property (optionally followed by `eq true`);
/// - `lastSeen (eq|ne|gt|ge|lt|le) 2026-01-01T00:00:00Z` (an unquoted UTC literal);
/// - `rbacGroupId (eq|ne|gt|ge|lt|le) 12` (an unquoted number);
/// - `machineTags/any(tag: tag eq 'text')`.
/// The properties are those the Machine list documents as filterable
/// (https://learn.microsoft.com/en-us/defender-endpoint/api/get-machines). Property names,
/// operators and keywords are case-insensitive, and so is text comparison (the real service
/// matches `computerDnsName` case-insensitively); `''` escapes a quote inside a literal. Values of
/// the enumerations (`healthStatus`, `onboardingStatus`, `riskScore`, `exposureLevel`,
/// `deviceValue`) must be names of their constants.
struct MachineQuery: Sendable {
    var filter: Expression?
    /// The raw `$filter` text, for next links.
    var filterText: String?
    var orderBy: [SortKey] = []
    /// The raw `$orderby` text, for next links.
    var orderByText: String?
    var count = false
    var top: Int?
    var skip = 0

    static let maxTop = 10_000

    enum Property: String, Sendable, CaseIterable {
        case computerDnsName, id, version, deviceValue, aadDeviceId, machineTags, lastSeen, exposureLevel
        case onboardingStatus, lastIpAddress, healthStatus, osPlatform, riskScore, rbacGroupId
    }

    enum Comparison: String, Sendable {
        case eq, ne, gt, ge, lt, le
    }

    /// A boolean expression: `or` of `and` of conditions.
    enum Expression: Sendable, Equatable {
        case anyOf([Expression])
        case allOf([Expression])
        case condition(Condition)
    }

    enum Condition: Sendable, Equatable {
        /// `eq` or `ne` on a text property, compared case-insensitively.
        case text(Property, Comparison, String)
        case oneOf(Property, [String])
        case startsWith(Property, String)
        case lastSeen(Comparison, EmulatorInstant)
        case rbacGroupId(Comparison, Int)
        case rbacGroupIdIn([Int])
        case tag(String)
    }

    struct SortKey: Sendable, Equatable {
        var property: Property
        var descending: Bool
    }

    /// The enumerations' constants, for validating literals.
    static let enumerations: [Property: [String]] = [
        .healthStatus: MachineHealthStatus.allCases.map(\.rawValue),
        .onboardingStatus: MachineOnboardingStatus.allCases.map(\.rawValue),
        .riskScore: ["None", "Informational", "Low", "Medium", "High"],
        .exposureLevel: ["None", "Low", "Medium", "High"],
        .deviceValue: ["Low", "Normal", "High"],
    ]

    init() {}

    /// Parses the query options of a request. Throws an `ODataError` for unknown `$` options and malformed values.
    init(options: [(name: String, value: String)]) throws(MDEError) {
        for (name, value) in options {
            switch name.lowercased() {
            case "$filter":
                filterText = value
                filter = try Self.parseFilter(value)
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
            case "$skip":
                guard let number = Int(value), number >= 0 else {
                    throw .odata(
                        "Invalid value '\(value)' for $skip query option found. The $skip query option requires a non-negative integer value."
                    )
                }
                skip = number
            case "$orderby":
                orderByText = value
                orderBy = try Self.parseOrderBy(value)
            case "$count":
                switch value.lowercased() {
                case "true": count = true
                case "false": count = false
                default: throw .odata("'\(value)' is not a valid count option.")
                }
            default:
                if name.hasPrefix("$") {
                    throw .odata("Custom query option '\(name)' that starts with '$' is not supported.")
                }
            }
        }
    }

    // MARK: - Evaluation

    func matches(_ machine: MachineEntity) -> Bool {
        guard let filter else { return true }
        return Self.evaluate(filter, machine)
    }

    private static func evaluate(_ expression: Expression, _ machine: MachineEntity) -> Bool {
        switch expression {
        case .anyOf(let terms): terms.contains { evaluate($0, machine) }
        case .allOf(let terms): terms.allSatisfy { evaluate($0, machine) }
        case .condition(let condition): evaluate(condition, machine)
        }
    }

    private static func evaluate(_ condition: Condition, _ machine: MachineEntity) -> Bool {
        switch condition {
        case .text(let property, let comparison, let expected):
            let equal = text(of: property, in: machine)?.lowercased() == expected.lowercased()
            return comparison == .ne ? !equal : equal
        case .oneOf(let property, let values):
            guard let actual = text(of: property, in: machine)?.lowercased() else { return false }
            return values.contains { $0.lowercased() == actual }
        case .startsWith(let property, let prefix):
            guard let actual = text(of: property, in: machine)?.lowercased() else { return false }
            return actual.hasPrefix(prefix.lowercased())
        case .lastSeen(let comparison, let literal):
            guard let lastSeen = EmulatorInstant(iso8601: machine.lastSeen) else { return false }
            return compare(lastSeen, comparison, literal)
        case .rbacGroupId(let comparison, let literal):
            return compare(machine.rbacGroupId, comparison, literal)
        case .rbacGroupIdIn(let values):
            return values.contains(machine.rbacGroupId)
        case .tag(let tag):
            return machine.machineTags.contains { $0.lowercased() == tag.lowercased() }
        }
    }

    private static func compare<T: Comparable>(_ value: T, _ comparison: Comparison, _ literal: T) -> Bool {
        switch comparison {
        case .eq: value == literal
        case .ne: value != literal
        case .gt: value > literal
        case .ge: value >= literal
        case .lt: value < literal
        case .le: value <= literal
        }
    }

    /// `machines` (in id order) sorted by `orderBy`; ties keep id order.
    func sorted(_ machines: [MachineEntity]) -> [MachineEntity] {
        guard !orderBy.isEmpty else { return machines }
        return machines.enumerated().sorted { left, right in
            for key in orderBy {
                let order = Self.compare(key.property, left.element, right.element)
                if order != 0 {
                    return key.descending ? order > 0 : order < 0
                }
            }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// -1, 0 or 1. `lastSeen` compares as an instant, `rbacGroupId` as a number, text
    /// case-insensitively; a missing value sorts first.
    private static func compare(_ property: Property, _ left: MachineEntity, _ right: MachineEntity) -> Int {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch property {
        case .rbacGroupId:
            return sign(left.rbacGroupId, right.rbacGroupId)
        case .lastSeen:
            let a = EmulatorInstant(iso8601: left.lastSeen)?.ticks ?? .min
            let b = EmulatorInstant(iso8601: right.lastSeen)?.ticks ?? .min
            return sign(a, b)
        default:
            return sign(text(of: property, in: left)?.lowercased() ?? "", text(of: property, in: right)?.lowercased() ?? "")
        }
    }

    private static func text(of property: Property, in machine: MachineEntity) -> String? {
        switch property {
        case .computerDnsName: machine.computerDnsName
        case .id: machine.id
        case .version: machine.version
        case .deviceValue: machine.deviceValue
        case .aadDeviceId: machine.aadDeviceId
        case .machineTags: machine.machineTags.joined(separator: ",")
        case .lastSeen: machine.lastSeen
        case .exposureLevel: machine.exposureLevel
        case .onboardingStatus: machine.onboardingStatus
        case .lastIpAddress: machine.lastIpAddress
        case .healthStatus: machine.healthStatus
        case .osPlatform: machine.osPlatform
        case .riskScore: machine.riskScore
        case .rbacGroupId: String(machine.rbacGroupId)
        }
    }

    /// Properties compared as text (`eq`, `ne`, `in`, `startswith`).
    private static func isText(_ property: Property) -> Bool {
        property != .lastSeen && property != .rbacGroupId && property != .machineTags
    }

    // MARK: - $orderby

    static func parseOrderBy(_ text: String) throws(MDEError) -> [SortKey] {
        var keys: [SortKey] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let words = item.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard !words.isEmpty, words.count <= 2 else {
                throw .odata("Syntax error in $orderby '\(text)': expected PROPERTY [asc|desc] items separated by commas.")
            }
            let name = String(words[0])
            guard let property = Self.property(named: name), property != .machineTags else {
                if MachineEntity.wireFieldNames.contains(where: { $0.lowercased() == name.lowercased() }) {
                    throw .odata("The property '\(name)' cannot be used in the $orderby query option.")
                }
                throw .odata("Could not find a property named '\(name)' on the Machine entity.")
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

    static func parseFilter(_ text: String) throws(MDEError) -> Expression {
        var tokens = try ODataToken.tokenize(text)[...]
        guard !tokens.isEmpty else { throw .odata("The $filter expression is empty.") }
        let expression = try parseOr(&tokens)
        if let extra = tokens.first {
            throw .odata("Syntax error in $filter '\(text)': expected 'and', 'or' or the end, found \(describe(extra)).")
        }
        return expression
    }

    private static func parseOr(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Expression {
        var terms = [try parseAnd(&tokens)]
        while isKeyword("or", tokens.first) {
            tokens.removeFirst()
            terms.append(try parseAnd(&tokens))
        }
        return terms.count == 1 ? terms[0] : .anyOf(terms)
    }

    private static func parseAnd(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Expression {
        var terms = [try parsePrimary(&tokens)]
        while isKeyword("and", tokens.first) {
            tokens.removeFirst()
            terms.append(try parsePrimary(&tokens))
        }
        return terms.count == 1 ? terms[0] : .allOf(terms)
    }

    private static func parsePrimary(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Expression {
        switch tokens.first {
        case .open?:
            tokens.removeFirst()
            let inner = try parseOr(&tokens)
            guard tokens.popFirst() == .close else { throw .odata("Syntax error in $filter: expected ')'.") }
            return inner
        case .word(let word)? where word.lowercased() == "startswith":
            tokens.removeFirst()
            return .condition(try parseStartsWith(&tokens))
        case .word(let word)? where word.lowercased() == "machinetags/any":
            tokens.removeFirst()
            return .condition(try parseAnyTag(&tokens))
        case .word(let word)? where ["not", "contains", "endswith", "tolower", "toupper"].contains(word.lowercased()):
            throw .odata("The emulator does not support '\(word)' in $filter.")
        case .word?:
            return .condition(try parseComparison(&tokens))
        case let other:
            throw .odata("Syntax error in $filter: expected a condition, found \(other.map(describe) ?? "the end").")
        }
    }

    /// `startswith(PROPERTY, 'text')`, optionally `eq true`.
    private static func parseStartsWith(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Condition {
        guard tokens.popFirst() == .open, case .word(let name)? = tokens.popFirst(), tokens.popFirst() == .comma,
            case .string(let prefix)? = tokens.popFirst(), tokens.popFirst() == .close
        else {
            throw .odata("Syntax error in $filter: expected startswith(PROPERTY, 'text').")
        }
        let property = try filterable(name)
        guard isText(property) else { throw .odata("The function 'startswith' is not supported on '\(name)'.") }
        if isKeyword("eq", tokens.first) {
            tokens.removeFirst()
            guard isKeyword("true", tokens.popFirst()) else {
                throw .odata("Syntax error in $filter: only 'eq true' may follow startswith(…).")
            }
        }
        return .startsWith(property, prefix)
    }

    /// `machineTags/any(VAR: VAR eq 'text')`.
    private static func parseAnyTag(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Condition {
        guard tokens.popFirst() == .open, case .word(let declaration)? = tokens.popFirst(), declaration.hasSuffix(":"),
            case .word(let variable)? = tokens.popFirst(), variable == String(declaration.dropLast()),
            isKeyword("eq", tokens.popFirst()), case .string(let tag)? = tokens.popFirst(), tokens.popFirst() == .close
        else {
            throw .odata("Syntax error in $filter: expected machineTags/any(tag: tag eq 'text').")
        }
        return .tag(tag)
    }

    private static func parseComparison(_ tokens: inout ArraySlice<ODataToken>) throws(MDEError) -> Condition {
        guard case .word(let name)? = tokens.popFirst() else {
            throw .odata("Syntax error in $filter: expected a property name.")
        }
        let property = try filterable(name)
        guard case .word(let op)? = tokens.popFirst() else {
            throw .odata("Syntax error in $filter: expected an operator after '\(name)'.")
        }
        if property == .machineTags {
            throw .odata("Filter on machineTags with machineTags/any(tag: tag eq 'text').")
        }
        if op.lowercased() == "in" {
            guard tokens.popFirst() == .open else { throw .odata("Syntax error in $filter: expected '(' after 'in'.") }
            var literals: [ODataToken] = []
            while true {
                guard let literal = tokens.popFirst(), literal != .close, literal != .comma, literal != .open else {
                    throw .odata("Syntax error in $filter: expected a literal in the 'in' list.")
                }
                literals.append(literal)
                let next = tokens.popFirst()
                if next == .close { break }
                guard next == .comma else { throw .odata("Syntax error in $filter: expected ',' or ')' in the 'in' list.") }
            }
            switch property {
            case .lastSeen:
                throw .odata("The 'in' operator is not supported on '\(name)'.")
            case .rbacGroupId:
                return .rbacGroupIdIn(try literals.map { literal throws(MDEError) in try number(literal, name) })
            default:
                return .oneOf(property, try literals.map { literal throws(MDEError) in try string(literal, property, name) })
            }
        }
        guard let comparison = Comparison(rawValue: op.lowercased()) else {
            throw .odata("Syntax error in $filter: unknown or unsupported operator '\(op)'.")
        }
        guard let literal = tokens.popFirst() else {
            throw .odata("Syntax error in $filter: expected a literal after '\(name) \(op)'.")
        }
        switch property {
        case .lastSeen:
            guard case .word(let text) = literal, let instant = EmulatorInstant(iso8601: text) else {
                throw .odata(
                    "A binary operator with incompatible types was detected. Compare lastSeen with an unquoted UTC literal such as 2026-01-01T00:00:00Z."
                )
            }
            return .lastSeen(comparison, instant)
        case .rbacGroupId:
            return .rbacGroupId(comparison, try number(literal, name))
        default:
            guard comparison == .eq || comparison == .ne else {
                throw .odata("The operator '\(op)' is not supported on '\(name)'; use eq, ne, in or startswith.")
            }
            return .text(property, comparison, try string(literal, property, name))
        }
    }

    private static func filterable(_ name: String) throws(MDEError) -> Property {
        guard let property = property(named: name) else {
            if MachineEntity.wireFieldNames.contains(where: { $0.lowercased() == name.lowercased() }) {
                throw .odata("The property '\(name)' cannot be used in the $filter query option.")
            }
            throw .odata("Could not find a property named '\(name)' on the Machine entity.")
        }
        return property
    }

    private static func property(named name: String) -> Property? {
        Property.allCases.first { $0.rawValue.lowercased() == name.lowercased() }
    }

    private static func string(_ literal: ODataToken, _ property: Property, _ name: String) throws(MDEError) -> String {
        guard case .string(let value) = literal else {
            throw .odata("Syntax error in $filter: expected a quoted literal for '\(name)', found \(describe(literal)).")
        }
        if let constants = enumerations[property], !constants.contains(where: { $0.lowercased() == value.lowercased() }) {
            throw .odata("The string '\(value)' is not a valid enumeration type constant for \(property.rawValue).")
        }
        return value
    }

    private static func number(_ literal: ODataToken, _ name: String) throws(MDEError) -> Int {
        guard case .word(let text) = literal, let value = Int(text) else {
            throw .odata("Syntax error in $filter: expected an unquoted number for '\(name)', found \(describe(literal)).")
        }
        return value
    }

    private static func isKeyword(_ keyword: String, _ token: ODataToken?) -> Bool {
        if case .word(let word)? = token { return word.lowercased() == keyword }
        return false
    }

    private static func describe(_ token: ODataToken) -> String {
        switch token {
        case .word(let word): "'\(word)'"
        case .string(let value): "the literal '\(value.replacingOccurrences(of: "'", with: "''"))'"
        case .open: "'('"
        case .close: "')'"
        case .comma: "','"
        }
    }
}
