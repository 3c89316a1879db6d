import Foundation
import MDEBatchCore
import MDEBatchTestSupport

/// A state file holding one job whose rows went every way a report must show.
struct ReportFixture {
    let store: StateStore
    let job: JobRecord
    let clock: ManualWallClock

    static let machine = String(repeating: "1", count: 40)
    static let formulaComment = "=HYPERLINK(\"http://evil\",\"x\")"

    /// Line → what happens to the row.
    enum Fate {
        case submitted(actionId: String, status: String)
        case failed(http: Int, code: String, message: String)
        case ingest(RowState, code: String, message: String)
        case pending
    }

    struct Spec {
        var line: Int
        var comment: String
        var fate: Fate
    }

    /// The standard mix: two actions, four 404s, one 403, one invalid, one duplicate, one formula comment.
    static let standard: [Spec] = [
        Spec(line: 2, comment: "Incident 7, host \"A\"", fate: .submitted(actionId: "a-1", status: "Succeeded")),
        Spec(line: 3, comment: formulaComment, fate: .submitted(actionId: "a-2", status: "Pending")),
        Spec(line: 4, comment: "c", fate: .failed(http: 404, code: "ResourceNotFound", message: "Machine 1 was not found")),
        Spec(line: 5, comment: "c", fate: .failed(http: 404, code: "ResourceNotFound", message: "Machine 2 was not found")),
        Spec(
            line: 6, comment: "c", fate: .failed(http: 404, code: "ResourceNotFound", message: "Machine 3 | pipe was not found")),
        Spec(line: 7, comment: "c", fate: .failed(http: 404, code: "ResourceNotFound", message: "Machine 4 was not found")),
        Spec(line: 8, comment: "c", fate: .failed(http: 403, code: "Forbidden", message: "Out of scope")),
        Spec(line: 9, comment: "c", fate: .ingest(.invalid, code: "sha256-not-accepted", message: "a SHA-256, not a SHA-1")),
        Spec(line: 10, comment: "c", fate: .ingest(.duplicate, code: "duplicate", message: "duplicate of t.csv:2")),
    ]

    init(_ specs: [Spec] = Self.standard, kind: JobKind = .quarantine, targets: Bool = false) throws {
        clock = ManualWallClock()
        store = try StateStore.inMemory()
        let creation = try store.createJob(NewJob(kind: kind, inputs: ["t.csv"], options: "{}"), now: clock.now) { inserter in
            for spec in specs {
                var row = NewRow(
                    source: "t.csv", line: spec.line, machineId: Self.machine,
                    sha1: String(repeating: "a", count: 32) + String(format: "%08x", spec.line), comment: spec.comment,
                    state: .pending)
                if case .ingest(let state, let code, let message) = spec.fate {
                    row.state = state
                    row.errorCode = code
                    row.errorMessage = message
                }
                if targets, case .submitted(let actionId, _) = spec.fate { row.targetActionId = actionId }
                try inserter.insert(row)
            }
            return UUID().uuidString
        }
        job = creation.job!
        let rows = try store.rows(jobId: job.id, afterId: 0, limit: 100_000)
        for (spec, row) in zip(specs, rows) {
            switch spec.fate {
            case .submitted(let actionId, let status):
                // What the real jobs write: a quarantine row submitted; a cancel row read back after its cancel.
                try send(row.id) {
                    CallRecord(outcome: .submitted, httpStatus: 201)
                } update: {
                    targets
                        ? (ActionStatus(wireValue: status).isFinal
                            ? .final(actionStatus: status, cancelledByUs: status == "Cancelled", note: nil)
                            : .stillOpen(actionStatus: status))
                        : .row(.submitted(actionId: actionId, actionStatus: status, adopted: false))
                }
            case .failed(let http, let code, let message):
                try send(row.id) {
                    CallRecord(outcome: .failed, httpStatus: http, errorCode: code, errorMessage: message)
                } update: {
                    .row(.failed)
                }
            case .ingest, .pending:
                break
            }
        }
    }

    /// Sends a row as a job would: reserve (row `sending`), one second, record.
    private func send(_ rowId: Int64, call: () -> CallRecord, update: () -> RowChange) throws {
        let reservation = try store.reserveSlot(
            for: .send(rowId: rowId), jobId: job.id, tenant: "t", api: .stopAndQuarantine, now: clock.now,
            requestTimeout: 30
        ) { _, _ in .go }
        guard case .granted(let attemptId, let ledgerId) = reservation else { throw FixtureError.notGranted }
        clock.advance(by: 1)
        try store.record(
            slot: QuotaGate.Slot(attemptId: attemptId, ledgerId: ledgerId, sentAt: clock.now), rowId: rowId, now: clock.now,
            call: call(), change: update())
    }

    enum FixtureError: Error { case notGranted }
}
