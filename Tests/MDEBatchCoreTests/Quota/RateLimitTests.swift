import Foundation
import MDEBatchCore
import Testing

struct RateLimitTests {
    @Test(arguments: [
        ("100/1m", 100, 60.0),
        ("1500/1h", 1500, 3600.0),
        ("10/500ms", 10, 0.5),
        ("5/30s", 5, 30.0),
        ("100/m", 100, 60.0),
        (" 25 / 2m ", 25, 120.0),
        ("3/1.5s", 3, 1.5),
        ("100/1M", 100, 60.0),
    ])
    func parsesCountAndDuration(text: String, limit: Int, window: Double) throws {
        let rate = try RateLimit(parsing: text)
        #expect(rate.limit == limit)
        #expect(rate.window == window)
    }

    @Test(arguments: [
        ("100", QuotaError.malformedRate(text: "100")),
        ("100/1m/2", .malformedRate(text: "100/1m/2")),
        ("/1m", .malformedRate(text: "/1m")),
        ("100/", .malformedRate(text: "100/")),
        ("0/1m", .invalidCount(text: "0/1m")),
        ("-5/1m", .invalidCount(text: "-5/1m")),
        ("1.5/1m", .invalidCount(text: "1.5/1m")),
        ("abc/1m", .invalidCount(text: "abc/1m")),
        ("100/1d", .invalidDuration(text: "100/1d")),
        ("100/60", .invalidDuration(text: "100/60")),
        ("100/0s", .invalidDuration(text: "100/0s")),
        ("100/xm", .invalidDuration(text: "100/xm")),
        ("100/-1m", .invalidDuration(text: "100/-1m")),
    ])
    func rejectsMalformedRates(text: String, expected: QuotaError) {
        let error = #expect(throws: QuotaError.self) { try RateLimit(parsing: text) }
        #expect(error == expected)
    }

    @Test func errorDescriptionsNameTheInputAndAnExample() {
        let text = QuotaError.invalidDuration(text: "100/1d").description
        #expect(text.contains("'100/1d'"))
        #expect(text.contains("ms, s, m or h"))
        #expect(text.hasSuffix("."))
    }

    @Test(arguments: ["100/1m", "1500/1h", "10/500ms", "5/30s", "7/90s"])
    func descriptionReadsBack(text: String) throws {
        let rate = try RateLimit(parsing: text)
        #expect(rate.description == text)
        #expect(try RateLimit(parsing: rate.description) == rate)
    }

    @Test func defaultPolicyIsHundredPerMinuteAndFifteenHundredPerHour() throws {
        #expect(QuotaPolicy.mdeDefault.limits == [RateLimit(limit: 100, window: 60), RateLimit(limit: 1500, window: 3600)])
        #expect(QuotaPolicy.mdeDefault.description == "100/1m + 1500/1h")
        let data = try JSONEncoder().encode(QuotaPolicy.mdeDefault)
        #expect(try JSONDecoder().decode(QuotaPolicy.self, from: data) == .mdeDefault)
    }
}
