import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct WallClockTests {
    @Test func manualClockWakesSleeperOnlyWhenAdvancedPastDeadline() async throws {
        let clock = ManualWallClock()
        let start = clock.now
        let woke = Task {
            try await clock.sleep(until: start.addingTimeInterval(60))
            return clock.now
        }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(by: 59)
        #expect(clock.sleeperCount == 1)
        clock.advance(by: 1)
        let wokeAt = try await woke.value
        #expect(wokeAt == start.addingTimeInterval(60))
    }

    @Test func scaledClockRunsFasterThanRealTime() async throws {
        let origin = Date()
        let clock = ScaledWallClock(scale: 1000, origin: origin)
        try await clock.sleep(until: origin.addingTimeInterval(50))
        // 50 scaled seconds are 50 ms of real time; an unscaled clock would take 50 s. The
        // bound is loose on purpose: a loaded machine must not fail this test.
        #expect(clock.now >= origin.addingTimeInterval(50))
        #expect(Date().timeIntervalSince(origin) < 40)
    }
}
