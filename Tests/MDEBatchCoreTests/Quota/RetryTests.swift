import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct RetryAfterTests {
    private let now = ManualWallClock().now

    @Test(arguments: [("7", 7.0), ("0", 0.0), (" 120 ", 120.0), ("3600", 3600.0)])
    func readsDeltaSeconds(header: String, seconds: Double) {
        #expect(RetryAfter.parse(header, now: now) == seconds)
    }

    @Test func readsAnHTTPDateRelativeToNow() throws {
        let epoch = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: epoch.addingTimeInterval(-30)) == 30)
        #expect(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", now: epoch.addingTimeInterval(30)) == 0)
    }

    @Test(arguments: [
        "", "soon", "-5", "7.5", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
    ])
    func rejectsAnythingElse(header: String) {
        #expect(RetryAfter.parse(header, now: now) == nil)
    }
}

struct RetryPolicyTests {
    @Test func ceilingDoublesFromTheBaseUpToTheCap() {
        let policy = RetryPolicy()
        #expect((1...9).map { policy.ceiling(afterAttempt: $0) } == [2, 4, 8, 16, 32, 64, 128, 256, 300])
        #expect(policy.ceiling(afterAttempt: 1000) == 300)
    }

    @Test(arguments: [RetryPolicy.Jitter.full, .equal, .none])
    func delaysStayWithinTheirBounds(jitter: RetryPolicy.Jitter) {
        let policy = RetryPolicy(jitter: jitter)
        for attempt in 1...10 {
            let ceiling = policy.ceiling(afterAttempt: attempt)
            let low = policy.delay(afterAttempt: attempt, random: 0)
            let high = policy.delay(afterAttempt: attempt, random: 0.999_999)
            switch jitter {
            case .full: #expect(low == 0)
            case .equal: #expect(low == ceiling / 2)
            case .none: #expect(low == ceiling)
            }
            #expect(high <= ceiling)
            #expect(high >= low)
        }
    }

    @Test func equalJitterGrowsWithEachAttempt() {
        let policy = RetryPolicy(jitter: .equal)
        let delays = (1...6).map { policy.delay(afterAttempt: $0, random: 0.5) }
        #expect(delays == [1.5, 3, 6, 12, 24, 48])
        #expect(policy.delay(afterAttempt: 2, random: 7) == 4)
    }

    @Test func generatorDrawsAreWithinTheCeiling() {
        var generator = SystemRandomNumberGenerator()
        let policy = RetryPolicy(jitter: .full)
        for _ in 0..<100 {
            let delay = policy.delay(afterAttempt: 3, using: &generator)
            #expect(delay >= 0 && delay < 8)
        }
    }

    @Test func sixAttemptsByDefault() {
        #expect(RetryPolicy.standard.maxAttempts == 6)
        #expect(RetryPolicy.standard.allowsAnotherAttempt(after: 5))
        #expect(!RetryPolicy.standard.allowsAnotherAttempt(after: 6))
    }
}
