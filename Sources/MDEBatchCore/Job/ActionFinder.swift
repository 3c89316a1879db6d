import Foundation

/// Looks actions up through the list API, under the list API's quota.
///
/// The list API filters on machine, type, status and creation time but not on SHA-1 or
/// comment (MDE-API.md §4), so those are matched here, client-side, page by page with
/// explicit `$top`/`$skip` and a hard page limit (next links are unreliable).
struct ActionFinder: Sendable {
    let client: MDEClient
    let gate: QuotaGate
    let store: StateStore
    let clock: any WallClock
    let stop: StopController
    let statistics: JobStatistics
    let jobId: String
    var pageSize = 200
    var maxPages = 10

    enum Result: Sendable {
        case found(MachineAction)
        case notFound
        /// The lookup could not be made (stopping, or the list call failed).
        case unavailable(CallFailure?)
    }

    /// Finds the first action that `filter` selects and `matches` accepts.
    func find(rowId: Int64?, filter: String, matches: @Sendable (MachineAction) -> Bool) async throws -> Result {
        for page in 0..<maxPages {
            guard let slot = try await gate.reserve(.lookup(rowId: rowId), jobId: jobId, api: .listActions, stop: stop) else {
                return .unavailable(nil)
            }
            let result: CallResult<MachineActionList>
            do {
                result = try await client.listMachineActions(filter: filter, top: pageSize, skip: page * pageSize)
            } catch {
                // Nothing left the process (no token, or cancelled): give the slot's attempt an honest end.
                try store.recordCall(
                    attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: rowId, now: clock.now,
                    call: CallRecord(outcome: "not-sent", errorMessage: "\(error)"), update: .unchanged)
                throw error
            }
            let now = clock.now
            switch result {
            case .success(let list, let status):
                let actions = list.value
                let found = actions.first(where: matches)
                try store.recordCall(
                    attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: rowId, now: now,
                    call: CallRecord(outcome: found == nil ? "lookup-not-found" : "lookup-found", httpStatus: status),
                    update: .unchanged)
                if let found { return .found(found) }
                if actions.count < pageSize { return .notFound }
            case .failure(let failure):
                try store.recordCall(
                    attemptId: slot.attemptId, ledgerId: slot.ledgerId, rowId: rowId, now: now,
                    call: CallRecord(failure: failure, outcome: "lookup-failed"), update: .unchanged)
                if failure.category == .rateLimited {
                    statistics.rateLimitHit()
                    try store.pauseAPI(
                        tenant: gate.tenant, api: QuotaAPI.listActions.rawValue,
                        until: now.addingTimeInterval(failure.retryAfter ?? 60))
                }
                return .unavailable(failure)
            }
        }
        return .notFound
    }
}

extension CallRecord {
    /// The audit record of a failed call.
    init(failure: CallFailure, outcome: String) {
        var status: Int?
        if case .http(let code) = failure.kind { status = code }
        self.init(
            outcome: outcome, httpStatus: status, errorCode: failure.code ?? failure.kindCode,
            errorMessage: failure.message ?? failure.description, errorTarget: failure.target,
            retryAfter: failure.retryAfter)
    }
}

extension CallFailure {
    /// A code for failures that carry none from the server (time-outs, lost connections).
    var kindCode: String? {
        switch kind {
        case .http: return nil
        case .timeout: return "Timeout"
        case .connection: return "ConnectionError"
        case .invalidResponse: return "InvalidResponse"
        }
    }
}
