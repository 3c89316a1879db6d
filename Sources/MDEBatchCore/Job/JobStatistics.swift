import Synchronization

/// What a running job counts as it goes: requests, 429s, and the signals that stop it.
public final class JobStatistics: Sendable {
    private struct State {
        var requests = 0
        var rateLimited = 0
        var firstStatuses: [Int] = []
        var refusedRows: [Int64] = []
        var consecutiveTransportFailures = 0
        var authConfirmed = false
    }

    private let state = Mutex(State())

    public init() {}

    public var requests: Int { state.withLock { $0.requests } }
    public var rateLimited: Int { state.withLock { $0.rateLimited } }
    /// True once a send got an answer other than 401/403: the credentials work, so the
    /// job may overlap requests. Until then it sends one at a time, so wrong credentials
    /// cost at most five calls.
    public var authConfirmed: Bool { state.withLock { $0.authConfirmed } }

    /// Counts a request leaving; returns the count so far.
    func requestSent() -> Int {
        state.withLock { state in
            state.requests += 1
            return state.requests
        }
    }

    func rateLimitHit() {
        state.withLock { $0.rateLimited += 1 }
    }

    /// The verdict on the job after one of its sends.
    struct SendVerdict {
        /// The first five sends were all refused with 401 or 403: credentials or
        /// permissions are wrong, and burning the quota helps nobody.
        var authStop: Bool
        /// Transport-level failures in a row.
        var transportFailures: Int
        /// With `authStop`: the rows those refused sends were for.
        var refusedRows: [Int64]
    }

    /// Records the HTTP status (nil for a transport failure) of one of the job's sends.
    func recordSend(status: Int?, transportFailure: Bool, rowId: Int64?) -> SendVerdict {
        state.withLock { state in
            if transportFailure {
                state.consecutiveTransportFailures += 1
            } else {
                state.consecutiveTransportFailures = 0
            }
            if let status, state.firstStatuses.count < 5 {
                state.firstStatuses.append(status)
                if status == 401 || status == 403, let rowId { state.refusedRows.append(rowId) }
            }
            if let status, status != 401, status != 403 {
                state.authConfirmed = true
            }
            let authStop = state.firstStatuses.count == 5 && state.firstStatuses.allSatisfy { $0 == 401 || $0 == 403 }
            return SendVerdict(
                authStop: authStop, transportFailures: state.consecutiveTransportFailures,
                refusedRows: authStop ? state.refusedRows : [])
        }
    }
}
