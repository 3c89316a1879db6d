import Foundation

/// Reads an HTTP `Retry-After` header.
public enum RetryAfter {
    /// The seconds to wait that `header` asks for, from `now`.
    ///
    /// Accepts delta-seconds (`"7"`) and an HTTP-date in IMF-fixdate form
    /// (`"Sun, 06 Nov 1994 08:49:37 GMT"`). A date in the past gives zero.
    ///
    /// - Returns: `nil` when the header is neither form.
    public static func parse(_ header: String, now: Date) -> TimeInterval? {
        let text = header.trimmingCharacters(in: .whitespaces)
        if !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }) {
            return TimeInterval(text.prefix(12)).map { $0 }
        }
        guard let date = parseIMFFixdate(text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Parses `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func parseIMFFixdate(_ text: String) -> Date? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].hasSuffix(","), parts[5] == "GMT" else { return nil }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        guard let day = Int(parts[1]), parts[1].count == 2,
            let monthIndex = months.firstIndex(of: String(parts[2])),
            let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), let second = Int(clock[2]),
            (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let components = DateComponents(
            year: year, month: monthIndex + 1, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        return date
    }
}
