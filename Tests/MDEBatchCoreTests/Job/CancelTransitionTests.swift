import Foundation
import Testing

@testable import MDEBatchCore

/// The read-back of a cancel row, as a pure transition: no clock, store or fake.
struct CancelTransitionTests {
    static let sent = Date(timeIntervalSince1970: 1_800_000_000)

    static func row(inDoubt: Bool, httpStatus: Int? = nil) -> RowRecord {
        RowRecord(
            id: 9, jobId: "c-test", source: "r.csv", line: 2, machineId: "m", sha1: "s", comment: "c", state: .pending,
            targetActionId: "a-1", errorCode: nil, errorMessage: nil, errorTarget: nil, actionId: nil, actionStatus: nil,
            adopted: false, httpStatus: httpStatus, attempts: 1, firstSentAt: sent, lastSentAt: sent, submittedAt: nil,
            nextAttemptAt: nil, inDoubtSince: inDoubt ? sent : nil, cancelStatus: nil)
    }

    static func open() throws -> CallResult<MachineAction> {
        .success(try JSONDecoder().decode(MachineAction.self, from: Data(#"{"id":"a-1","status":"Pending"}"#.utf8)), status: 200)
    }

    static func readBack(_ row: RowRecord, at seconds: TimeInterval) throws -> CancelTransition.AfterReadBack {
        CancelTransition.afterReadBack(
            try open(), row: row, comment: "stop [mdebatch c-test]", reads: 1, visibilityDelay: 120, requestTimeout: 30,
            stopping: false,
            now: sent.addingTimeInterval(seconds), delay: { _, _ in 5 })
    }

    /// A cancel that may be in flight (the process died, or its answer was lost) can still
    /// land after an immediate read-back: the action reading open then proves nothing.
    @Test func anOpenActionRightAfterAnInDoubtCancelIsReadAgainAfterTheSendsTimeOut() throws {
        guard case .record(_, .row(.retry(let at, let inDoubt, let refund))) = try Self.readBack(Self.row(inDoubt: true), at: 1)
        else {
            Issue.record("expected a later read-back, not a second cancel")
            return
        }
        #expect(at == Self.sent.addingTimeInterval(30))
        #expect(inDoubt && !refund)
    }

    @Test func anOpenActionAfterTheSendsTimeOutIsCancelledAgain() throws {
        guard case .cancel = try Self.readBack(Self.row(inDoubt: true), at: 31) else {
            Issue.record("expected the cancel to be sent again")
            return
        }
    }

    @Test func anOpenActionOfARowNotInDoubtIsCancelledAtOnce() throws {
        guard case .cancel = try Self.readBack(Self.row(inDoubt: false), at: 1) else {
            Issue.record("expected the cancel to be sent")
            return
        }
    }
}
