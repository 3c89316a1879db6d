import Foundation
import Synchronization

/// A job's stop switch: signals, deadlines and budgets flip it; workers check it before
/// every request and wake from every wait when it flips.
public final class StopController: Sendable {
    private struct State {
        var reason: StopReason?
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// The first reason given, if any.
    public var reason: StopReason? { state.withLock { $0.reason } }
    public var isStopping: Bool { reason != nil }

    /// Asks the job to stop; the first reason wins.
    public func stop(_ reason: StopReason) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            if state.reason == nil { state.reason = reason }
            let waiters = Array(state.waiters.values)
            state.waiters.removeAll()
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Suspends until `stop(_:)` is called (or the task is cancelled).
    public func wait() async {
        let id = state.withLock { state -> UInt64 in
            state.nextID += 1
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Checked under the lock `onCancel` takes: a task cancelled before its
                // continuation is stored must not store it (nobody would resume it).
                let resumeNow = state.withLock { state -> Bool in
                    if state.reason != nil || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Sleeps on `clock` until `deadline`, returning early (without throwing) on stop.
    ///
    /// - Returns: false when it returned because of a stop.
    @discardableResult
    public func sleep(until deadline: Date, on clock: any WallClock) async throws -> Bool {
        if isStopping { return false }
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await clock.sleep(until: deadline)
                return true
            }
            group.addTask {
                await self.wait()
                return false
            }
            let first = try await group.next() ?? false
            group.cancelAll()
            return first && !isStopping
        }
    }
}
