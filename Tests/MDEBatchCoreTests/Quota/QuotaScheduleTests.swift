import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct QuotaScheduleTests {
    private let now = ManualWallClock().now

    /// (calls, seconds until the last one is sent) under 100/1m + 1500/1h on an empty ledger.
    static let knownAnswers: [(Int, TimeInterval)] = [
        (1, 0), (100, 0), (101, 60), (1500, 840), (1501, 3600), (1600, 3600), (1601, 3660), (3000, 4440),
    ]

    @Test(arguments: knownAnswers)
    func defaultPolicyKnownAnswers(calls: Int, lastCallAfter: TimeInterval) throws {
        let estimate = QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: calls)
        #expect(estimate.makespan == lastCallAfter)
        #expect(try #require(estimate.lastSendAt) == now.addingTimeInterval(lastCallAfter))
        #expect(estimate.firstSendAt == now)
    }

    @Test func threeThousandCallsReadAsAboutOneHourFourteen() {
        let estimate = QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 3000)
        #expect(QuotaSchedule.describe(seconds: estimate.makespan) == "about 1h14m")
    }

    @Test func nextFreeSlotFollowsTheScheduledCalls() {
        #expect(QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 0).nextFreeSlot == now)
        #expect(
            QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 100).nextFreeSlot
                == now.addingTimeInterval(60))
        #expect(
            QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 1500).nextFreeSlot
                == now.addingTimeInterval(3600))
        let none = QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 0)
        #expect(none.makespan == 0)
        #expect(none.lastSendAt == nil)
    }

    @Test func ledgerCallsAlreadyMadeDelayTheSchedule() {
        // 100 calls completed 30 s ago fill the minute window until 30 s from now.
        let ledger = (0..<100).map { _ in
            LedgerCall(sentAt: now.addingTimeInterval(-31), completedAt: now.addingTimeInterval(-30))
        }
        let estimate = QuotaSchedule.estimate(policy: .mdeDefault, ledger: ledger, now: now, additionalCalls: 1)
        #expect(estimate.lastSendAt == now.addingTimeInterval(30))
        #expect(estimate.makespan == 30)
        // Without more calls, the next free slot is the same instant.
        #expect(
            QuotaSchedule.estimate(policy: .mdeDefault, ledger: ledger, now: now, additionalCalls: 0).nextFreeSlot
                == now.addingTimeInterval(30))
    }

    @Test func inFlightLedgerCallsAreAssumedToCompleteNow() {
        let ledger = (0..<100).map { _ in LedgerCall(sentAt: now.addingTimeInterval(-5), completedAt: nil) }
        let estimate = QuotaSchedule.estimate(policy: .mdeDefault, ledger: ledger, now: now, additionalCalls: 1)
        #expect(estimate.lastSendAt == now.addingTimeInterval(60))
    }

    @Test func futureDatedLedgerCallsKeepTheirOrder() {
        // One call from a clock 90 s ahead, with a 1-per-minute policy: the first new call waits for it.
        let policy = QuotaPolicy(limits: [RateLimit(limit: 2, window: 60)])
        let ledger = [LedgerCall(sentAt: now.addingTimeInterval(90), completedAt: now.addingTimeInterval(90))]
        let estimate = QuotaSchedule.estimate(policy: policy, ledger: ledger, now: now, additionalCalls: 3)
        // Slots: new #1 at 0 (release 60), then window holds {60, 150}: #2 at 60 (release 120),
        // then {120, 150}: #3 at 120.
        #expect(estimate.lastSendAt == now.addingTimeInterval(120))
    }

    /// The time limit only guards against a schedule that walks every call (its speed is
    /// `mdebatch-bench`'s business, not a test's).
    @Test(.timeLimit(.minutes(1)))
    func oneMillionCallsHaveAnExactMakespan() {
        let estimate = QuotaSchedule.estimate(policy: .mdeDefault, now: now, additionalCalls: 1_000_000)
        // 1,000,000 = 666 full hours of 1,500 plus 1,000 (ten more minutes of 100).
        #expect(estimate.makespan == 666 * 3600 + 9 * 60)
    }

    static let descriptions: [(TimeInterval, String)] = [
        (0, "under a minute"), (59, "under a minute"), (60, "about 1m"), (840, "about 14m"), (3600, "about 1h"),
        (4440, "about 1h14m"), (11_100, "about 3h05m"),
    ]

    @Test(arguments: descriptions)
    func describesDurationsForPeople(seconds: Double, text: String) {
        #expect(QuotaSchedule.describe(seconds: seconds) == text)
    }
}
