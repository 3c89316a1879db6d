import Foundation

/// At most `limit` calls in any `window` seconds, as in `100/1m`.
public struct RateLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The number of calls the window admits.
    public var limit: Int
    /// The window length, in seconds.
    public var window: TimeInterval

    /// Creates a limit of `limit` calls per `window` seconds.
    public init(limit: Int, window: TimeInterval) {
        precondition(limit > 0 && window > 0, "a rate limit needs a positive count and window")
        self.limit = limit
        self.window = window
    }

    /// Parses `COUNT/DURATION`, where the duration is a positive number followed by `ms`, `s`, `m` or `h`
    /// (`100/1m`, `1500/1h`, `10/500ms`, `5/30s`). A bare unit counts as one (`100/m`).
    ///
    /// - Throws: `QuotaError` naming what was wrong.
    public init(parsing text: String) throws(QuotaError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .malformedRate(text: text)
        }
        let countText = parts[0].trimmingCharacters(in: .whitespaces)
        guard countText.allSatisfy(\.isASCIIDigit), let count = Int(countText), count > 0 else {
            throw .invalidCount(text: text)
        }
        let durationText = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        guard let unit = units.first(where: { durationText.hasSuffix($0.suffix) }) else {
            throw .invalidDuration(text: text)
        }
        let numberText = String(durationText.dropLast(unit.suffix.count))
        let amount: Double
        if numberText.isEmpty {
            amount = 1
        } else {
            guard numberText.allSatisfy({ $0.isASCIIDigit || $0 == "." }), let value = Double(numberText) else {
                throw .invalidDuration(text: text)
            }
            amount = value
        }
        let seconds = amount * unit.seconds
        guard seconds > 0, seconds.isFinite else { throw .invalidDuration(text: text) }
        self.init(limit: count, window: seconds)
    }

    /// The canonical text, which `init(parsing:)` reads back: `100/1m`, `1500/1h`, `10/500ms`.
    public var description: String {
        let milliseconds = (window * 1000).rounded()
        if abs(milliseconds - window * 1000) < 1e-6 {
            let ms = Int(milliseconds)
            if ms % 3_600_000 == 0 { return "\(limit)/\(ms / 3_600_000)h" }
            if ms % 60_000 == 0 { return "\(limit)/\(ms / 60_000)m" }
            if ms % 1000 == 0 { return "\(limit)/\(ms / 1000)s" }
            return "\(limit)/\(ms)ms"
        }
        return "\(limit)/\(window)s"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
