import Foundation

/// Why a rate limit could not be read.
public enum QuotaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `text` is not of the form `N/DURATION` (for example `100/1m`).
    case malformedRate(text: String)
    /// The count before the slash is not a positive whole number.
    case invalidCount(text: String)
    /// The duration after the slash is not a positive number followed by `ms`, `s`, `m` or `h`.
    case invalidDuration(text: String)

    public var description: String {
        switch self {
        case .malformedRate(let text):
            "Rate '\(text)' is not of the form COUNT/DURATION; use for example 100/1m or 1500/1h."
        case .invalidCount(let text):
            "Rate '\(text)' needs a positive whole number of calls before the slash, as in 100/1m."
        case .invalidDuration(let text):
            "Rate '\(text)' needs a positive duration with a unit ms, s, m or h after the slash, as in 100/1m or 10/500ms."
        }
    }
}
