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

    @Test(
        arguments: [
            // (status, code, expected update kind, in doubt, refunded)
            (500, nil, "retry", true, false), (503, nil, "retry", true, false), (408, nil, "retry", true, false),
            (nil, nil, "retry", true, false), (429, nil, "retry", false, true),
            (400, "ActiveRequestAlreadyExists", "retry", false, false), (400, "OsPlatformNotSupported", "failed", false, false),
            (401, nil, "failed", false, false), (403, nil, "failed", false, false),
            (404, "ResourceNotFound", "failed", false, false),
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
        func lookup(_ result: ActionFinder.Result, sentAt: Date = sent, stopping: Bool = false)
            -> QuarantineTransition.AfterLookup
        {
            QuarantineTransition.afterLookup(
                result, row: row, sentAt: sentAt, visibilityDelay: 120, stopping: stopping, now: Self.now, backoff: { _ in 9 })
        }
        // Found: adopt its id.
        #expect(
            lookup(.found(try Self.action("a-2")))
                == .record(
                    CallRecord(outcome: .found, httpStatus: 201),
                    .submitted(actionId: "a-2", actionStatus: "Pending", adopted: false)))
        // Not found within the visibility delay: look again when it has passed, still in doubt.
        #expect(
            lookup(.notFound)
                == .record(
                    CallRecord(row: row, outcome: .notYetVisible),
                    .retry(at: sent.addingTimeInterval(120), inDoubt: true, refundAttempt: false)))
        // Not found after it: send again.
        #expect(lookup(.notFound, sentAt: Self.now.addingTimeInterval(-121)) == .send)
        // The lookup failed: try it later, still in doubt; stopping leaves the row alone.
        #expect(
            lookup(.unavailable(nil))
                == .record(
                    CallRecord(row: row, outcome: .lookupUnavailable),
                    .retry(at: Self.now.addingTimeInterval(9), inDoubt: true, refundAttempt: false)))
        #expect(lookup(.unavailable(nil), stopping: true) == .wait)
    }

    static func stopAction(_ id: String, sha1: String, status: String = "Pending", created: String = "2027-01-15T08:00:00Z")
        throws -> MachineAction
    {
        try JSONDecoder().decode(
            MachineAction.self,
            from: Data(
                """
                {"id":"\(id)","type":"StopAndQuarantineFile","status":"\(status)","creationDateTimeUtc":"\(created)",
                 "relatedFileInfo":{"fileIdentifier":"\(sha1)","fileIdentifierType":"Sha1"}}
                """.utf8))
    }

    @Test func afterActiveRequestAlreadyExistsAdoptsWaitsForTheDeviceOrRetries() throws {
        let row = Self.row()
        let later = Self.now.addingTimeInterval(120)
        let check = Self.now.addingTimeInterval(30)
        func decide(_ listing: ActionFinder.Listing, attempt: Int = 2) -> (CallRecord, RowUpdate) {
            QuarantineTransition.afterAdoptLookup(
                listing, row: row, attempt: attempt, maxAttempts: 6, now: Self.now, retryAt: later, checkDeviceAt: check)
        }
        // The open action for this file: adopt it.
        let mine = try Self.stopAction("a-3", sha1: "s")
        let other = try Self.stopAction("b-1", sha1: "other", created: "2027-01-15T07:00:00Z")
        #expect(decide(.actions([other, mine])).1 == .submitted(actionId: "a-3", actionStatus: "Pending", adopted: true))
        // Another file's open action keeps the device busy: wait for it, not fail.
        let waiting = decide(.actions([other, try Self.stopAction("a-9", sha1: "s", status: "Succeeded")]))
        #expect(waiting.0.outcome == .deviceBusy)
        #expect(
            waiting.1 == .waitForDevice(blockingActionId: "b-1", since: MDEDate.parse("2027-01-15T07:00:00Z")!, checkAt: check))
        // Nothing open (it just ended, or is not visible yet): try again later; give up only at the last attempt.
        #expect(decide(.actions([])).1 == .retry(at: later, inDoubt: false, refundAttempt: false))
        #expect(decide(.unavailable(nil)).1 == .retry(at: later, inDoubt: false, refundAttempt: false))
        let last = decide(.actions([]), attempt: 6)
        #expect(last.1 == .failed)
        #expect(last.0.outcome == .gaveUp)
    }

    @Test(
        arguments: [
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

/// The dispatcher's order: round-robin across devices, each device's rows in input order.
struct DeviceInterleaveTests {
    static func rows(_ devices: [String]) -> [RowRecord] {
        devices.enumerated().map { i, device in
            var row = QuarantineTransitionTests.row()
            row.id = Int64(i + 1)
            row.machineId = device
            return row
        }
    }

    @Test func theSameDeviceIsNotHitTwiceInARowWhileOthersWait() {
        let order = JobDispatcher.interleavedByDevice(Self.rows(["a", "a", "a", "b", "b", "c"])).map { "\($0.machineId)\($0.id)" }
        #expect(order == ["a1", "b4", "c6", "a2", "b5", "a3"])
        // One device, or all different: the input order.
        #expect(JobDispatcher.interleavedByDevice(Self.rows(["a", "a"])).map(\.id) == [1, 2])
        #expect(JobDispatcher.interleavedByDevice(Self.rows(["a", "b", "c"])).map(\.id) == [1, 2, 3])
    }
}
