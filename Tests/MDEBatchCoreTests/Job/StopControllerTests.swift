import Foundation
import MDEBatchCore
import Testing

struct StopControllerTests {
    /// A sleep whose deadline has passed cancels its stop-waiter at once, often before the
    /// waiter registered itself; it must still return (it once hung, very rarely, under load).
    @Test(.timeLimit(.minutes(1)))
    func sleepsThatEndAtOnceNeverLoseTheirWaiter() async throws {
        let stop = StopController()
        let clock = SystemWallClock()
        var completed = 0
        for _ in 0..<3000 {
            let returnedWithoutStop = try await stop.sleep(until: clock.now.addingTimeInterval(-1), on: clock)
            #expect(returnedWithoutStop)
            completed += 1
        }
        #expect(completed == 3000)
    }

    @Test(.timeLimit(.minutes(1)))
    func aStopWakesASleeper() async throws {
        let stop = StopController()
        let clock = SystemWallClock()
        async let slept = stop.sleep(until: clock.now.addingTimeInterval(3600), on: clock)
        try await Task.sleep(for: .milliseconds(20))
        stop.stop(.signal)
        #expect(try await slept == false)
        #expect(stop.reason == .signal)
    }
}
