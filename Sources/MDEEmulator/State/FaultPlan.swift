/// A fault the emulator can inject into one request.
public enum FaultKind: Sendable, Hashable {
    /// 500 `InternalServerError`; nothing is created.
    case internalServerError
    /// 503 `ServiceUnavailable` with `Retry-After`; nothing is created.
    case serviceUnavailable(retryAfter: Duration)
    /// The connection is closed before the action is created: no HTTP response, no action.
    case dropBeforeCreate
    /// The action is created (or cancelled), then the connection is closed without a response.
    case dropAfterCreate
    /// The action is created (or cancelled), then the response waits this long (emulator time).
    case delayAfterCreate(Duration)

    /// The name used in `--fault` and in the journal.
    public var name: String {
        switch self {
        case .internalServerError: "500"
        case .serviceUnavailable: "503"
        case .dropBeforeCreate: "drop-before"
        case .dropAfterCreate: "drop-after"
        case .delayAfterCreate: "delay"
        }
    }
}

/// A fault and the share of eligible requests it hits.
///
/// Text form (`--fault`): `KIND:RATE[:DURATION]`, where KIND is `500`, `503`, `drop-before`,
/// `drop-after` or `delay`, RATE is a fraction in 0...1, and DURATION (`45s`, `500ms`, `2m`) is the
/// delay of `delay` (required) or the `Retry-After` of `503` (default 5s).
public struct FaultRule: Sendable, Hashable, CustomStringConvertible {
    public var kind: FaultKind
    public var rate: Double

    public init(_ kind: FaultKind, rate: Double) {
        self.kind = kind
        self.rate = rate
    }

    /// Parses the `--fault` text form; see the type's documentation.
    public init(parsing text: String) throws(FaultRuleError) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else {
            throw FaultRuleError(text: text, reason: "expected KIND:RATE[:DURATION]")
        }
        guard let rate = Double(parts[1]), rate >= 0, rate <= 1 else {
            throw FaultRuleError(text: text, reason: "the rate must be a number from 0 to 1")
        }
        var duration: Duration?
        if parts.count == 3 {
            guard let parsed = DurationText.parse(parts[2]) else {
                throw FaultRuleError(text: text, reason: "'\(parts[2])' is not a duration such as 45s or 500ms")
            }
            duration = parsed
        }
        switch parts[0].lowercased() {
        case "500":
            guard duration == nil else { throw FaultRuleError(text: text, reason: "500 takes no duration") }
            self.init(.internalServerError, rate: rate)
        case "503":
            self.init(.serviceUnavailable(retryAfter: duration ?? .seconds(5)), rate: rate)
        case "drop-before":
            guard duration == nil else { throw FaultRuleError(text: text, reason: "drop-before takes no duration") }
            self.init(.dropBeforeCreate, rate: rate)
        case "drop-after":
            guard duration == nil else { throw FaultRuleError(text: text, reason: "drop-after takes no duration") }
            self.init(.dropAfterCreate, rate: rate)
        case "delay":
            guard let duration else { throw FaultRuleError(text: text, reason: "delay needs a duration, e.g. delay:0.02:45s") }
            self.init(.delayAfterCreate(duration), rate: rate)
        default:
            throw FaultRuleError(text: text, reason: "the kind must be 500, 503, drop-before, drop-after or delay")
        }
    }

    public var description: String {
        switch kind {
        case .serviceUnavailable(let retryAfter): "503:\(rate):\(DurationText.format(retryAfter))"
        case .delayAfterCreate(let delay): "delay:\(rate):\(DurationText.format(delay))"
        default: "\(kind.name):\(rate)"
        }
    }
}

/// A `--fault` value that could not be read.
public struct FaultRuleError: Error, Equatable, CustomStringConvertible {
    public var text: String
    public var reason: String

    public var description: String { "Fault '\(text)' is not valid: \(reason)." }
}

/// Draws faults from a seeded generator: one draw per eligible request, in arrival order.
struct FaultPlan: Sendable {
    private var generator: SplitMix64
    let rules: [FaultRule]

    init(rules: [FaultRule], seed: UInt64) {
        self.rules = rules
        self.generator = SplitMix64(seed: seed)
    }

    /// The fault for the next eligible request, or nil. Rates add up: with `500:0.1` and
    /// `drop-after:0.2`, a draw below 0.1 is a 500 and a draw in 0.1..<0.3 a dropped connection.
    mutating func next() -> FaultKind? {
        guard !rules.isEmpty else { return nil }
        let draw = Double(generator.next() >> 11) / Double(1 << 53)
        var cumulative = 0.0
        for rule in rules {
            cumulative += rule.rate
            if draw < cumulative { return rule.kind }
        }
        return nil
    }
}

/// Sebastiano Vigna's SplitMix64: small, fast, and the same on every platform.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
