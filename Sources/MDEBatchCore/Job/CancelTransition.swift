import Foundation

/// What an answer means for a cancel row: pure functions of the row, the outcome and
/// `now`, table-tested like `QuarantineTransition`.
enum CancelTransition {
    /// After a cancel's answer (a 429 and a first 401 never get here: `MeteredCall` handles them).
    ///
    /// - Returns: the record, the change, and whether the action is read back at once.
    static func afterCancel(
        _ result: CallResult<MachineAction>, now: Date, backoff: (CallFailure) -> TimeInterval
    ) -> (CallRecord, RowChange, readBack: Bool) {
        switch result {
        case .success(let action, let status):
            // Cancel races with completion: the outcome is the status read back.
            return (
                CallRecord(outcome: .cancelAccepted, httpStatus: status),
                .accepted(actionStatus: action.status?.wireValue, readAt: now), true
            )
        case .failure(let failure):
            let record = { (outcome: CallOutcome) in CallRecord(failure: failure, outcome: outcome) }
            switch failure.category {
            case .rateLimited:
                return (
                    record(.rateLimited),
                    .row(.retry(at: now.addingTimeInterval(failure.retryAfter ?? 60), inDoubt: false, refundAttempt: true)), false
                )
            case .inDoubt:
                return (
                    record(.inDoubt),
                    .row(.retry(at: now.addingTimeInterval(backoff(failure)), inDoubt: true, refundAttempt: false)), false
                )
            case .unauthorized:
                return (record(.unauthorized), .row(.failed), false)
            case .notFound:
                return (record(.notFound), .notFound, false)
            case .permanent, .alreadyPending:
                guard failure.status == 400 else { return (record(.failed), .row(.failed), false) }
                // MDE answers 400 to a cancel of an action that is already final: read its real status.
                return (record(.alreadyFinal), .row(.retry(at: now, inDoubt: true, refundAttempt: false)), true)
            case .forbidden:
                return (record(.failed), .row(.failed), false)
            }
        }
    }

    /// What a read-back decides.
    enum AfterReadBack: Equatable {
        /// Record this; the row is settled or waits.
        case record(CallRecord, RowChange)
        /// The action is open and no cancel of ours was accepted: record this, then cancel it now.
        case cancel(CallRecord, RowChange)
    }

    /// After reading back the action of a cancel row.
    ///
    /// - Parameters:
    ///   - comment: the exact comment this job's cancels carry.
    ///   - reads: read-backs of the row so far, this one included.
    static func afterReadBack(
        _ result: CallResult<MachineAction>, row: RowRecord, comment: String, reads: Int, visibilityDelay: TimeInterval,
        requestTimeout: TimeInterval, stopping: Bool, now: Date, delay: (Int, CallFailure?) -> TimeInterval
    ) -> AfterReadBack {
        let accepted = row.state == .cancelAccepted
        /// An accepted cancel whose action is not final yet: read again after a backoff,
        /// until the visibility delay after the cancel has passed; then `cancel-requested`.
        func waitOrGiveUp(_ status: String?, _ call: CallRecord, _ failure: CallFailure?) -> AfterReadBack {
            let since = row.lastSentAt ?? now
            let next = now.addingTimeInterval(delay(max(reads, 1), failure))
            if next.timeIntervalSince(since) > max(visibilityDelay, 1) { return .record(call, .stillOpen(actionStatus: status)) }
            return .record(call, .accepted(actionStatus: status, readAt: next))
        }
        switch result {
        case .success(let action, let status):
            let read = action.status ?? .unknown("")
            if read.isFinal {
                let ours = accepted || (read == .cancelled && sameComment(action.cancellationComment, comment))
                var note: String?
                if accepted && read != .cancelled {
                    note =
                        "the cancel was accepted, but the action had already ended \(read.wireValue) (cancel raced with completion)"
                } else if !ours, row.httpStatus == 400 {
                    note = "already final (\(read.wireValue)) when the cancel was sent"
                } else if !ours, read == .cancelled {
                    note = "already cancelled by \(action.cancellationRequestor ?? "someone else")"
                }
                return .record(
                    CallRecord(outcome: .readBack, httpStatus: status),
                    .final(actionStatus: read.wireValue, cancelledByUs: ours, note: note))
            }
            if accepted { return waitOrGiveUp(read.wireValue, CallRecord(outcome: .readBackOpen, httpStatus: status), nil) }
            if row.httpStatus == 400 {
                // The API refused the cancel, yet the action is open: the 400 was about something else.
                return .record(CallRecord(row: row, outcome: .readBackOpen), .row(.failed))
            }
            if row.inDoubtSince != nil, let sent = row.lastSentAt, now.timeIntervalSince(sent) < requestTimeout {
                // Our cancel may have left and not landed yet (a crash or a lost answer just
                // after it was sent): an open action proves nothing until the send's time-out
                // has passed (the ledger's bound on a call, too). Read it again then; cancel
                // only if it is still open.
                return .record(
                    CallRecord(outcome: .readBackOpen, httpStatus: status),
                    .row(.retry(at: sent.addingTimeInterval(requestTimeout), inDoubt: true, refundAttempt: false)))
            }
            return .cancel(
                CallRecord(outcome: .readBackOpen, httpStatus: status),
                .row(.retry(at: now, inDoubt: false, refundAttempt: false)))
        case .failure(let failure):
            let call = CallRecord(failure: failure, outcome: .readBackFailed)
            if failure.category == .notFound && !accepted {
                return .record(CallRecord(failure: failure, outcome: .notFound), .notFound)
            }
            if stopping { return .record(call, .unchanged) }
            if accepted { return waitOrGiveUp(nil, call, failure) }
            return .record(
                call,
                .row(
                    .retry(at: now.addingTimeInterval(delay(max(row.attempts, 1), failure)), inDoubt: true, refundAttempt: false))
            )
        }
    }

    /// Compares comments ignoring surrounding white space.
    static func sameComment(_ a: String?, _ b: String) -> Bool {
        guard let a else { return false }
        return a.trimmingCharacters(in: .whitespaces) == b.trimmingCharacters(in: .whitespaces)
    }
}
