import Foundation

/// An instant on the emulator's wall-clock timeline, in 100-nanosecond ticks since the Unix epoch.
///
/// The wire format carries seven fractional digits (`2018-12-04T12:15:04.3825985Z`), which is
/// exactly one tick, so instants round-trip through JSON and `$filter` literals without loss.
public struct EmulatorInstant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Ticks (100 ns) since 1970-01-01T00:00:00Z.
    public var ticks: Int64

    public static let ticksPerSecond: Int64 = 10_000_000

    public init(ticks: Int64) {
        self.ticks = ticks
    }

    /// The instant nearest to `date`.
    public init(_ date: Date) {
        self.ticks = Int64((date.timeIntervalSince1970 * Double(Self.ticksPerSecond)).rounded())
    }

    public var date: Date {
        Date(timeIntervalSince1970: Double(ticks) / Double(Self.ticksPerSecond))
    }

    /// Whole seconds since the epoch, rounded down (the JWT `exp`/`iat` convention).
    public var epochSeconds: Int64 {
        ticks >= 0 ? ticks / Self.ticksPerSecond : (ticks - Self.ticksPerSecond + 1) / Self.ticksPerSecond
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.ticks < rhs.ticks }

    public func advanced(by duration: Duration) -> Self {
        Self(ticks: ticks + duration.ticks)
    }

    /// The duration from `self` to `other` (negative when `other` is earlier).
    public func duration(to other: Self) -> Duration {
        .nanoseconds((other.ticks - ticks) * 100)
    }

    public var description: String { iso8601 }

    /// ISO-8601 UTC with seven fractional digits, as MDE writes it.
    public var iso8601: String {
        let seconds = epochSeconds
        let fraction = ticks - seconds * Self.ticksPerSecond
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
            + ".\(pad(fraction, 7))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z` (UTC only, as `$filter` literals and the wire use).
    public init?(iso8601 text: some StringProtocol) {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= chars.count else { return nil }
            var value: Int64 = 0
            for index in range {
                let c = chars[index]
                guard c >= 48, c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard chars.count >= 20,
            let year = number(0..<4), chars[4] == UInt8(ascii: "-"),
            let month = number(5..<7), chars[7] == UInt8(ascii: "-"),
            let day = number(8..<10), chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"),
            let hour = number(11..<13), chars[13] == UInt8(ascii: ":"),
            let minute = number(14..<16), chars[16] == UInt8(ascii: ":"),
            let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var fraction: Int64 = 0
        if chars[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                if digits < 7 { fraction = fraction * 10 + Int64(chars[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if digits < 7 { for _ in digits..<7 { fraction *= 10 } }
        }
        guard index == chars.count - 1, chars[index] == UInt8(ascii: "Z") || chars[index] == UInt8(ascii: "z") else {
            return nil
        }
        let days = Self.days(fromCivil: year, month, day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second
        self.ticks = seconds * Self.ticksPerSecond + fraction
    }

    // Howard Hinnant's civil-calendar algorithms (proleptic Gregorian, days since 1970-01-01).
    static func days(fromCivil year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Duration {
    /// Whole 100-nanosecond ticks in this duration (truncated toward zero).
    var ticks: Int64 {
        let (seconds, attoseconds) = components
        return seconds * EmulatorInstant.ticksPerSecond + attoseconds / 100_000_000_000
    }

    /// The duration in seconds, as a `Double`.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
