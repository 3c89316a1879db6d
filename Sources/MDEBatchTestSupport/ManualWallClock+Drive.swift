import Synchronization

extension ManualWallClock {
    /// Runs `body`, moving this clock to the next deadline whenever every task is asleep
    /// on it and `activity` (e.g. the requests a transport saw) stayed the same for a few
    /// polls, so an hour of quota passes in milliseconds.
    public func drive<T: Sendable>(
        activity: @escaping @Sendable () -> Int, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let task = Task {
            do {
                let value = try await body()
                result.withLock { $0 = .success(value) }
            } catch {
                result.withLock { $0 = .failure(error) }
            }
        }
        defer { task.cancel() }
        var quietPolls = 0
        var lastActivity = -1
        while true {
            if let done = result.withLock({ $0 }) { return try done.get() }
            try await Task.sleep(for: .milliseconds(1))
            let current = activity()
            if current == lastActivity && sleeperCount > 0 {
                quietPolls += 1
            } else {
                quietPolls = 0
                lastActivity = current
            }
            if quietPolls >= 5, let next = nextDeadline {
                advance(to: next)
                quietPolls = 0
            }
        }
    }
}
