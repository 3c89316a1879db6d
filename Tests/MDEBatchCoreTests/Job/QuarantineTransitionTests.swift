import Foundation
import Testing

@testable import MDEBatchCore

/// The pure row transitions, as a table: no clock, store or fake.
struct QuarantineTransitionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func failure(_ status: Int?, code: String? = nil, retryAfter: TimeInterval? = nil) -> CallResult<MachineAction> {
        .failure(CallFailure(kind: status.map { .http(status: $0) } ?? .timeout, code: code, retryAfter: retryAfter))
    }

    static func action(_ id: String, status: String = "Pending") throws -> MachineAction {
        try JSONDecoder().decode(MachineAction.self, from: Data(#"{"id":"\#(id)","status":"\#(status)"}"#.utf8))
    }

    static func row(attempts: Int = 1) -> RowRecord {
        RowRecord(
            id: 7, jobId: "q-test", source: "t.csv", line: 2, machineId: "m", sha1: "s", comment: "c", state: .sending,
            targetActionId: nil, errorCode: "E", errorMessage: "earlier", errorTarget: nil, actionId: nil, actionStatus: nil,
            adopted: false, httpStatus: 503, attempts: attempts, firstSentAt: now, lastSentAt: now, submittedAt: nil,
            nextAttemptAt: nil, inDoubtSince: now, cancelStatus: nil)
    }

    @Test(arguments: [
        // (status, code, expected update kind, in doubt, refunded)
        (500, nil, "retry", true, false), (503, nil, "retry", true, false), (408, nil, "retry", true, false),
        (nil, nil, "retry", true, false), (429, nil, "retry", false, true),
        (400, "ActiveRequestAlreadyExists", "retry", false, false), (400, "OsPlatformNotSupported", "failed", false, false),
        (401, nil, "failed", false, false), (403, nil, "failed", false, false), (404, "ResourceNotFound", "failed", false, false),
    ] as [(Int?, String?, String, Bool, Bool)])
    func afterSendFailure(status: Int?, code: String?, kind: String, inDoubt: Bool, refunded: Bool) {
        let (record, update) = QuarantineTransition.afterSend(
            Self.failure(status, code: code), attempt: 2, maxAttempts: 6, now: Self.now, backoff: { _ in 7 })
        #expect(record.httpStatus == status)
        switch update {
        case .retry(let at, let doubt, let refund):
            #expect(kind == "retry")
            #expect(doubt == inDoubt)
            #expect(refund == refunded)
            if inDoubt { #expect(at == Self.now.addingTimeInterval(7)) }
        case .failed:
            #expect(kind == "failed")
        default:
            Issue.record("unexpected \(update)")
        }
    }

    @Test func afterSendSuccessKeepsTheActionId() throws {
        let (record, update) = QuarantineTransition.afterSend(
            .success(try Self.action("a-1"), status: 201), attempt: 1, maxAttempts: 6, now: Self.now, backoff: { _ in 0 })
        #expect(record.outcome == .submitted)
        #expect(update == .submitted(actionId: "a-1", actionStatus: "Pending", adopted: false))
    }

    @Test func afterLookup() throws {
        let row = Self.row()
        let sent = Self.now.addingTimeInterval(-30)
        func lookup(_ result: ActionFinder.Result, sentAt: Date = sent, stopping: Bool = false) -> QuarantineTransition.AfterLookup {
            QuarantineTransition.afterLookup(
                result, row: row, sentAt: sentAt, visibilityDelay: 120, stopping: stopping, now: Self.now, backoff: { _ in 9 })
        }
        // Found: adopt its id.
        #expect(lookup(.found(try Self.action("a-2"))) == .record(
            CallRecord(outcome: .found, httpStatus: 201), .submitted(actionId: "a-2", actionStatus: "Pending", adopted: false)))
        // Not found within the visibility delay: look again when it has passed, still in doubt.
        #expect(lookup(.notFound) == .record(
            CallRecord(row: row, outcome: .notYetVisible),
            .retry(at: sent.addingTimeInterval(120), inDoubt: true, refundAttempt: false)))
        // Not found after it: send again.
        #expect(lookup(.notFound, sentAt: Self.now.addingTimeInterval(-121)) == .send)
        // The lookup failed: try it later, still in doubt; stopping leaves the row alone.
        #expect(lookup(.unavailable(nil)) == .record(
            CallRecord(row: row, outcome: .lookupUnavailable), .retry(at: Self.now.addingTimeInterval(9), inDoubt: true, refundAttempt: false)))
        #expect(lookup(.unavailable(nil), stopping: true) == .wait)
    }

    @Test func afterAdoptLookupGivesUpOnlyAtTheLastAttempt() throws {
        let row = Self.row()
        let later = Self.now.addingTimeInterval(120)
        let found = QuarantineTransition.afterAdoptLookup(
            .found(try Self.action("a-3")), row: row, attempt: 2, maxAttempts: 6, now: Self.now, retryAt: later)
        #expect(found.1 == .submitted(actionId: "a-3", actionStatus: "Pending", adopted: true))
        let again = QuarantineTransition.afterAdoptLookup(.notFound, row: row, attempt: 2, maxAttempts: 6, now: Self.now, retryAt: later)
        #expect(again.1 == .retry(at: later, inDoubt: false, refundAttempt: false))
        let last = QuarantineTransition.afterAdoptLookup(.notFound, row: row, attempt: 6, maxAttempts: 6, now: Self.now, retryAt: later)
        #expect(last.1 == .failed)
        #expect(last.0.outcome == .gaveUp)
    }

    @Test(arguments: [
        (200, nil, "accepted", true), (400, nil, "retry-in-doubt", true), (404, nil, "not-found", false),
        (403, nil, "failed", false), (503, nil, "retry-in-doubt", false), (401, nil, "failed", false),
    ] as [(Int, String?, String, Bool)])
    func afterCancel(status: Int, code: String?, kind: String, readBack: Bool) throws {
        let result: CallResult<MachineAction> =
            status == 200 ? .success(try Self.action("a-4", status: "Cancelled"), status: 200) : Self.failure(status, code: code)
        let (_, change, read) = CancelTransition.afterCancel(result, now: Self.now, backoff: { _ in 3 })
        #expect(read == readBack)
        switch change {
        case .accepted: #expect(kind == "accepted")
        case .row(.retry(_, let inDoubt, _)): #expect(kind == "retry-in-doubt" && inDoubt)
        case .row(.failed): #expect(kind == "failed")
        case .notFound: #expect(kind == "not-found")
        default: Issue.record("unexpected \(change)")
        }
    }
}
