import Foundation

/// Parses durations written on the command line: `45s`, `500ms`, `2m`, `1h`, or a bare number of seconds.
public enum DurationText {
    public static func parse(_ text: some StringProtocol) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            guard let value = Double(number), value >= 0, value.isFinite else { return nil }
            return .nanoseconds(Int64((value * unit.seconds * 1e9).rounded()))
        }
        guard let value = Double(trimmed), value >= 0, value.isFinite else { return nil }
        return .nanoseconds(Int64((value * 1e9).rounded()))
    }

    /// `45s`, `1.5s`, `500ms`: the shortest form `parse` reads back.
    public static func format(_ duration: Duration) -> String {
        let seconds = duration.secondsValue
        if seconds < 1, seconds > 0 {
            return "\(Int((seconds * 1000).rounded()))ms"
        }
        if seconds == seconds.rounded() {
            return "\(Int(seconds))s"
        }
        return "\(seconds)s"
    }
}
