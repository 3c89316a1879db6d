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
                return (
                    record(.rateLimited),
                    .retry(at: now.addingTimeInterval(failure.retryAfter ?? 60), inDoubt: false, refundAttempt: true)
                )
            case .inDoubt:
                return (
                    record(.inDoubt), .retry(at: now.addingTimeInterval(backoff(failure)), inDoubt: true, refundAttempt: false)
                )
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
                return .record(
                    CallRecord(row: row, outcome: .notYetVisible), .retry(at: visibleBy, inDoubt: true, refundAttempt: false))
            }
            return .send
        case .unavailable(let failure):
            if stopping { return .wait }
            return .record(
                CallRecord(row: row, outcome: .lookupUnavailable),
                .retry(at: now.addingTimeInterval(backoff(failure)), inDoubt: true, refundAttempt: false))
        }
    }

    /// After listing the device's actions, because `ActiveRequestAlreadyExists` said one
    /// is open: the open one for the row's file is adopted; failing that, an open
    /// StopAndQuarantineFile for another file means the device is busy, and the row waits
    /// for it (no attempt spent) instead of failing; failing both, try again later.
    static func afterAdoptLookup(
        _ result: ActionFinder.Listing, row: RowRecord, attempt: Int, maxAttempts: Int, now: Date, retryAt: Date,
        checkDeviceAt: Date
    ) -> (CallRecord, RowUpdate) {
        let open: [MachineAction]
        if case .actions(let actions) = result {
            open = actions.filter { $0.status?.isFinal == false }
        } else {
            open = []
        }
        if let same = open.first(where: { $0.relatedFileInfo?.fileIdentifier?.lowercased() == row.sha1 }) {
            return (
                CallRecord(row: row, outcome: .adopted),
                .submitted(actionId: same.id, actionStatus: same.status?.wireValue, adopted: true)
            )
        }
        let blockers = open.filter {
            ($0.type ?? "StopAndQuarantineFile").caseInsensitiveCompare("StopAndQuarantineFile") == .orderedSame
        }
        if let blocker = blockers.min(by: { ($0.creationDateTimeUtc ?? now) < ($1.creationDateTimeUtc ?? now) }) {
            return (
                CallRecord(row: row, outcome: .deviceBusy),
                .waitForDevice(blockingActionId: blocker.id, since: blocker.creationDateTimeUtc ?? now, checkAt: checkDeviceAt)
            )
        }
        if attempt >= maxAttempts { return (CallRecord(row: row, outcome: .gaveUp), .failed) }
        return (CallRecord(row: row, outcome: .pendingNotFound), .retry(at: retryAt, inDoubt: false, refundAttempt: false))
    }
}
