import Foundation

/// Looks actions up through the list API, one metered call per page.
///
/// The list API filters on machine, type, status and creation time but not on SHA-1 or
/// comment (README, "Assumptions about the API"), so those are matched here, client-side, page
/// by page with explicit `$top`/`$skip` and a hard page limit (next links are unreliable).
struct ActionFinder: Sendable {
    let call: MeteredCall
    let client: MDEClient
    var pageSize = 200
    var maxPages = 10

    enum Result: Sendable {
        case found(MachineAction)
        case notFound
        /// The lookup could not be made (stopping, or the list call failed).
        case unavailable(CallFailure?)
    }

    /// Every action that `filter` selects (at most `maxPages` pages), or why the lookup
    /// could not be made.
    func list(rowId: Int64?, filter: String) async throws -> Listing {
        var actions: [MachineAction] = []
        for page in 0..<maxPages {
            switch try await self.page(page, rowId: rowId, filter: filter, found: { !$0.isEmpty }) {
            case .deferred: return .unavailable(nil)
            case .failure(let failure): return .unavailable(failure)
            case .success(let list, _):
                actions += list.value
                if list.value.count < pageSize { return .actions(actions) }
            }
        }
        return .actions(actions)
    }

    enum Listing: Sendable {
        case actions([MachineAction])
        case unavailable(CallFailure?)
    }

    /// Finds the first action that `filter` selects and `matches` accepts.
    func find(rowId: Int64?, filter: String, matches: @escaping @Sendable (MachineAction) -> Bool) async throws -> Result {
        for page in 0..<maxPages {
            switch try await self.page(page, rowId: rowId, filter: filter, found: { $0.contains(where: matches) }) {
            case .deferred: return .unavailable(nil)
            case .failure(let failure): return .unavailable(failure)
            case .success(let list, _):
                if let found = list.value.first(where: matches) { return .found(found) }
                if list.value.count < pageSize { return .notFound }
            }
        }
        return .notFound
    }

    /// One page of the listing, a metered call; the audit trail says whether it held what
    /// was looked for.
    private func page(
        _ page: Int, rowId: Int64?, filter: String, found: ([MachineAction]) -> Bool
    ) async throws -> MeteredCall.Outcome<MachineActionList> {
        let skip = page * pageSize
        return try await call.perform(.lookup(rowId: rowId), api: .listActions) {
            try await client.listMachineActions(filter: filter, top: pageSize, skip: skip)
        } settle: { result, _ in
            switch result {
            case .success(let list, let status):
                return (CallRecord(outcome: found(list.value) ? .lookupFound : .lookupNotFound, httpStatus: status), .unchanged)
            case .failure(let failure):
                return (CallRecord(failure: failure, outcome: .lookupFailed), .unchanged)
            }
        }
    }
}

extension CallRecord {
    /// The audit record of a failed call.
    init(failure: CallFailure, outcome: CallOutcome) {
        var status: Int?
        if case .http(let code) = failure.kind { status = code }
        self.init(
            outcome: outcome, httpStatus: status, errorCode: failure.code ?? failure.kindCode,
            errorMessage: failure.message ?? failure.description, errorTarget: failure.target,
            retryAfter: failure.retryAfter)
    }

    /// Keeps the row's last error when its state changes without a new call.
    init(row: RowRecord, outcome: CallOutcome) {
        self.init(
            outcome: outcome, httpStatus: row.httpStatus, errorCode: row.errorCode, errorMessage: row.errorMessage,
            errorTarget: row.errorTarget)
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
