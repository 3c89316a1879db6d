/// What the ingest pipeline decided about one row.
public enum RowVerdict: Sendable, Hashable {
    case valid(NormalizedRow)
    case invalid(reason: RejectionReason, message: String)
    /// The same `(machineId, sha1)` as an earlier row, which wins.
    case duplicate(of: RowLocation)

    /// The report's `error_code`: the reason code, `duplicate`, or `nil` for a valid row.
    public var errorCode: String? {
        switch self {
        case .valid: return nil
        case .invalid(let reason, _): return reason.rawValue
        case .duplicate: return "duplicate"
        }
    }

    /// The report's `error_message` (`duplicate of incident.csv:12`), or `nil` for a valid row.
    public var errorMessage: String? {
        switch self {
        case .valid: return nil
        case .invalid(_, let message): return message
        case .duplicate(let first): return "duplicate of \(first)"
        }
    }

    /// The normalized row when the verdict is `valid`.
    public var normalized: NormalizedRow? {
        if case .valid(let row) = self { return row }
        return nil
    }
}
