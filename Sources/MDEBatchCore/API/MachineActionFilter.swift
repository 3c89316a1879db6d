import Foundation

/// An OData `$filter` for `GET /api/machineactions`, built from clauses joined by `and`.
///
/// String literals are quoted with `'` and an embedded `'` is doubled, as OData requires; timestamps
/// are unquoted `YYYY-MM-DDTHH:MM:SSZ` literals.
public struct MachineActionFilter: Sendable, Hashable, CustomStringConvertible {
    /// One condition.
    public enum Clause: Sendable, Hashable {
        case typeEquals(String)
        case machineIdEquals(String)
        case statusEquals(String)
        case requestorEquals(String)
        /// `creationDateTimeUtc ge T`, with `T` rounded down to the second (never narrower than asked).
        case createdOnOrAfter(Date)
        /// `creationDateTimeUtc lt T`, with `T` rounded up to the second.
        case createdBefore(Date)
        /// `id in ('a','b')`.
        case idIn([String])
        /// `machineId in ('a','b')`.
        case machineIdIn([String])
    }

    public var clauses: [Clause]

    public init(_ clauses: [Clause]) {
        self.clauses = clauses
    }

    /// The reconciliation query for a row in doubt: its machine's StopAndQuarantineFile actions created
    /// on or after `createdOnOrAfter` (send time minus a skew allowance). SHA-1 and comment are compared
    /// client-side, since the API cannot filter on them.
    public static func reconciliation(
        machineId: String, createdOnOrAfter: Date, type: String = "StopAndQuarantineFile"
    ) -> MachineActionFilter {
        MachineActionFilter([.typeEquals(type), .machineIdEquals(machineId), .createdOnOrAfter(createdOnOrAfter)])
    }

    /// The actions with these ids (one batch of a status refresh).
    public static func ids(_ ids: [String]) -> MachineActionFilter {
        MachineActionFilter([.idIn(ids)])
    }

    /// This filter with one more clause.
    public func and(_ clause: Clause) -> MachineActionFilter {
        MachineActionFilter(clauses + [clause])
    }

    /// The `$filter` expression.
    public var expression: String {
        clauses.map(Self.render).joined(separator: " and ")
    }

    public var description: String { expression }

    /// `'text'` with every `'` doubled.
    public static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func render(_ clause: Clause) -> String {
        switch clause {
        case .typeEquals(let value): "type eq \(quote(value))"
        case .machineIdEquals(let value): "machineId eq \(quote(value))"
        case .statusEquals(let value): "status eq \(quote(value))"
        case .requestorEquals(let value): "requestor eq \(quote(value))"
        case .createdOnOrAfter(let date): "creationDateTimeUtc ge \(MDEDate.formatSeconds(date))"
        case .createdBefore(let date): "creationDateTimeUtc lt \(MDEDate.formatSeconds(date, roundingUp: true))"
        case .idIn(let ids): "id in (\(ids.map(quote).joined(separator: ",")))"
        case .machineIdIn(let ids): "machineId in (\(ids.map(quote).joined(separator: ",")))"
        }
    }
}
