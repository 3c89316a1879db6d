/// Why a job stopped before every row was final (exit 75, or 77 for credentials).
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// SIGINT or SIGTERM.
    case signal
    /// `--deadline` passed.
    case deadline
    /// `--max-requests` calls were made.
    case requestBudget
    /// The API kept failing at the transport level: nothing answers.
    case apiUnreachable(String)
    /// The first attempts were all 401/403, or no token could be had.
    case authentication(String)

    public var description: String {
        switch self {
        case .signal: return "interrupted by a signal"
        case .deadline: return "the --deadline passed"
        case .requestBudget: return "the --max-requests budget is spent"
        case .apiUnreachable(let detail): return "the API is unreachable (\(detail))"
        case .authentication(let detail): return "authentication or permission failure: \(detail)"
        }
    }
}
