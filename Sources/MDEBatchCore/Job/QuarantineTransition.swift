import Foundation

/// What an answer means for a quarantine row: pure functions of the row, the outcome and
/// `now`, with no clock, store or network, so every case is table-tested.
enum QuarantineTransition {
    /// What to do after looking up the action an in-doubt send may have created.
    enum AfterLookup: Equatable {
        /// Record this and stop working on the row for now.
        case record(CallRecord, RowUpdate)
        /// Nothing was found after the visibility delay: send again.
        case send
        /// The job is stopping: leave the row as it is.
        case wait
    }

    /// After a send's answer (a 429 and a first 401 never get here: `MeteredCall` handles them).
    static func afterSend(
        _ result: CallResult<MachineAction>, attempt: Int, maxAttempts: Int, now: Date,
        backoff: (CallFailure) -> TimeInterval
    ) -> (CallRecord, RowUpdate) {
        switch result {
        case .success(let action, let status):
            return (
                CallRecord(outcome: .submitted, httpStatus: status),
                .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: false)
            )
        case .failure(let failure):
            let record = { (outcome: CallOutcome) in CallRecord(failure: failure, outcome: outcome) }
            switch failure.category {
            case .rateLimited:
                return (record(.rateLimited), .retry(at: now.addingTimeInterval(failure.retryAfter ?? 60), inDoubt: false, refundAttempt: true))
            case .inDoubt:
                return (record(.inDoubt), .retry(at: now.addingTimeInterval(backoff(failure)), inDoubt: true, refundAttempt: false))
            case .alreadyPending:
                // The pending action is looked up and adopted next.
                return (record(.alreadyPending), .retry(at: now, inDoubt: false, refundAttempt: false))
            case .unauthorized:
                // A second 401 in a row, after the token was refreshed.
                return (record(.unauthorized), .failed)
            case .forbidden, .notFound, .permanent:
                return (record(.failed), .failed)
            }
        }
    }

    /// After the in-doubt lookup of a row sent at `sentAt`.
    static func afterLookup(
        _ result: ActionFinder.Result, row: RowRecord, sentAt: Date, visibilityDelay: TimeInterval, stopping: Bool, now: Date,
        backoff: (CallFailure?) -> TimeInterval
    ) -> AfterLookup {
        switch result {
        case .found(let action):
            return .record(
                CallRecord(outcome: .found, httpStatus: 201),
                .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: false))
        case .notFound:
            let visibleBy = sentAt.addingTimeInterval(visibilityDelay)
            guard now >= visibleBy else {
                return .record(CallRecord(row: row, outcome: .notYetVisible), .retry(at: visibleBy, inDoubt: true, refundAttempt: false))
            }
            return .send
        case .unavailable(let failure):
            if stopping { return .wait }
            return .record(
                CallRecord(row: row, outcome: .lookupUnavailable),
                .retry(at: now.addingTimeInterval(backoff(failure)), inDoubt: true, refundAttempt: false))
        }
    }

    /// After looking for the pending action that `ActiveRequestAlreadyExists` names.
    static func afterAdoptLookup(
        _ result: ActionFinder.Result, row: RowRecord, attempt: Int, maxAttempts: Int, now: Date, retryAt: Date
    ) -> (CallRecord, RowUpdate) {
        switch result {
        case .found(let action):
            return (
                CallRecord(row: row, outcome: .adopted),
                .submitted(actionId: action.id, actionStatus: action.status?.wireValue, adopted: true)
            )
        case .notFound, .unavailable:
            if attempt >= maxAttempts { return (CallRecord(row: row, outcome: .gaveUp), .failed) }
            return (CallRecord(row: row, outcome: .pendingNotFound), .retry(at: retryAt, inDoubt: false, refundAttempt: false))
        }
    }
}
