/// Where one input comes from.
///
/// Standard input has no name to guess a format from, so it needs an explicit
/// ``IngestOptions/format``.
public enum InputSource: Sendable, Hashable {
    case file(path: String)
    case standardInput

    /// The name rows from this source carry in their ``RowLocation``: the path as the
    /// user gave it, or `-` for standard input.
    public var displayName: String {
        switch self {
        case .file(let path): return path
        case .standardInput: return "-"
        }
    }

    /// Parses a command-line argument: `-` is standard input, anything else a file path.
    public init(argument: String) {
        self = argument == "-" ? .standardInput : .file(path: argument)
    }
}
