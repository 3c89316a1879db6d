import Foundation

/// Durations as users type them: `500ms`, `30s`, `2m`, `1h`, or combined `1h30m`.
public enum DurationText {
    /// Parses `text` into seconds, or nil when it is not a duration.
    public static func parse(_ text: String) -> TimeInterval? {
        var total: TimeInterval = 0
        var number = ""
        var unit = ""
        var parts = 0
        func flush() -> Bool {
            guard let value = Double(number), value >= 0 else { return false }
            let multiplier: Double
            switch unit {
            case "ms": multiplier = 0.001
            case "s", "": multiplier = 1
            case "m", "min": multiplier = 60
            case "h": multiplier = 3600
            case "d": multiplier = 86400
            default: return false
            }
            total += value * multiplier
            number = ""
            unit = ""
            parts += 1
            return true
        }
        for character in text.trimmingCharacters(in: .whitespaces).lowercased() {
            if character.isNumber || character == "." {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(character)
            } else if character.isLetter {
                guard !number.isEmpty else { return nil }
                unit.append(character)
            } else {
                return nil
            }
        }
        guard !number.isEmpty, flush(), parts > 0 else { return nil }
        return total
    }

    /// A short human form: `45s`, `12m`, `1h14m`.
    public static func format(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "?" }
        let whole = Int(seconds.rounded(.up))
        if whole < 60 { return "\(whole)s" }
        let minutes = (whole + 30) / 60
        if minutes < 60 { return "\(minutes)m" }
        let hours = minutes / 60
        let rest = minutes % 60
        return rest == 0 ? "\(hours)h" : "\(hours)h\(String(format: "%02d", rest))m"
    }
}
