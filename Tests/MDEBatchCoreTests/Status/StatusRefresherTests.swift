import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization
import Testing

struct StatusRefresherTests {
    static let idsOnly = StatusRefresher.Settings(idBatchSize: 100, windowThreshold: 10_000)

    @Test(.timeLimit(.minutes(1)))
    func openActionsAreReadInBatchesOfIdsAndStored() async throws {
        let harness = try StatusHarness(count: 250)
        harness.clock.advance(by: 45)  // every action is InProgress now
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)

        let report = try await harness.drive { try await refresher.refresh() }

        let calls = harness.api.listCalls
        #expect(calls.count == 3)
        #expect(report.listCalls == 3)
        #expect(report.getCalls == 0)
        // 100 + 100 + 50 ids, each call bounded by its own $top and $skip.
        let idCounts = calls.map { $0.filter.components(separatedBy: "','").count }
        #expect(idCounts == [100, 100, 50])
        #expect(calls.map(\.top) == [100, 100, 50])
        #expect(calls.allSatisfy { $0.skip == 0 && $0.filter.hasPrefix("id in ('") })
        #expect(report.read == 250)
        #expect(report.changed == 250)
        #expect(try harness.statuses().allSatisfy { $0 == "InProgress" })
        // Every call went through the ledger of the list API and is in the audit trail.
        let ledger = try harness.store.ledgerCalls(
            tenant: "tenant/client", api: .listActions, now: harness.clock.now, lookback: 3600)
        #expect(ledger.count == 3)
        let audit = try harness.store.attempts(jobId: harness.job.id).filter { $0.api == QuotaAPI.listActions.rawValue }
        #expect(audit.map(\.outcome) == [.statusRead, .statusRead, .statusRead])
        #expect(try harness.store.lastStatusRefresh(jobId: harness.job.id) != nil)
    }

    @Test(.timeLimit(.minutes(1)))
    func finalActionsAreNotAskedForAgain() async throws {
        let harness = try StatusHarness(count: 10) { $0 < 7 ? "Succeeded" : nil }
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)
        let report = try await harness.drive { try await refresher.refresh() }
        let filter = try #require(harness.api.listCalls.first?.filter)
        #expect(report.considered == 3)
        #expect(filter.components(separatedBy: "','").count == 3)
        #expect(!filter.contains(StatusHarness.actionId(0)))
    }

    @Test(.timeLimit(.minutes(1)))
    func idsTheListMissesAreReadOneByOne() async throws {
        let harness = try StatusHarness(count: 20)
        harness.clock.advance(by: 120)
        let missing = StatusHarness.actionId(3)
        let gone = StatusHarness.actionId(11)
        // `missing` is only absent from the list; `gone` does not exist at all: its GET answers 404.
        harness.api.hideFromList([missing])
        harness.api.remove(gone)
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)

        let report = try await harness.drive { try await refresher.refresh() }

        #expect(report.listCalls == 1)
        #expect(Set(harness.api.gets.map(\.id)) == [missing, gone])
        #expect(report.getCalls == 2)
        #expect(report.notFound == 1)
        #expect(report.read == 19)
        let statuses = try harness.statuses()
        #expect(statuses[3] == "Succeeded")
        #expect(statuses[11] == "Pending")
        #expect(statuses.filter { $0 == "Succeeded" }.count == 19)
        let audit = try harness.store.attempts(jobId: harness.job.id).filter { $0.api == QuotaAPI.getAction.rawValue }
        #expect(audit.count == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func singleReadsStayWithinTheirBudget() async throws {
        let harness = try StatusHarness(count: 30)
        harness.api.hideFromList(Set((0..<30).map(StatusHarness.actionId)))
        var settings = Self.idsOnly
        settings.maxSingleReads = 5
        let refresher = try harness.makeRefresher(settings: settings)
        let report = try await harness.drive { try await refresher.refresh() }
        #expect(harness.api.gets.count == 5)
        #expect(report.unread == 25)
        #expect(report.read == 5)
    }

    @Test(.timeLimit(.minutes(1)))
    func rateLimitedListPausesTheAPIAndTheSameBatchIsReadAfterRetryAfter() async throws {
        let harness = try StatusHarness(count: 150)
        harness.api.failNextLists((429, "30"))
        let start = harness.clock.now
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)

        let report = try await harness.drive { try await refresher.refresh() }

        #expect(report.rateLimited == 1)
        let calls = harness.api.listCalls
        #expect(calls.count == 3)
        // The refused batch is asked again, with the same ids, only after Retry-After.
        #expect(calls[1].filter == calls[0].filter)
        #expect(calls[1].at >= start.addingTimeInterval(30))
        #expect(report.read == 150)
        let audit = try harness.store.attempts(jobId: harness.job.id).compactMap(\.outcome)
        #expect(audit.filter { $0 == .rateLimited }.count == 1)
        #expect(audit.filter { $0 == .statusRead }.count == 2)
        // Any other process on the state file sees the pause through the ledger.
        let lookback: TimeInterval = 3630
        let ledger = try harness.store.ledgerCalls(
            tenant: "tenant/client", api: .listActions, now: harness.clock.now, lookback: lookback)
        #expect(ledger.count == 3)
    }

    @Test(.timeLimit(.minutes(1)))
    func listCallsRespectTheQuotaWindows() async throws {
        let harness = try StatusHarness(count: 50)
        var settings = Self.idsOnly
        settings.idBatchSize = 10
        let refresher = try harness.makeRefresher(
            settings: settings, policy: QuotaPolicy(limits: [RateLimit(limit: 2, window: 60)]))
        let start = harness.clock.now
        _ = try await harness.drive { try await refresher.refresh() }
        let times = harness.api.listCalls.map { $0.at.timeIntervalSince(start) }
        #expect(times.count == 5)
        // Two per minute: the fifth call waits for two windows to pass.
        #expect(times[2] >= 60)
        #expect(times[4] >= 120)
    }

    @Test(.timeLimit(.minutes(1)))
    func manyOpenActionsAreReadThroughOneCreationWindowListing() async throws {
        let harness = try StatusHarness(count: 400)
        harness.clock.advance(by: 100)
        let late = StatusHarness.actionId(399)
        harness.api.hideFromWindow([late])
        let refresher = try harness.makeRefresher(settings: StatusRefresher.Settings(idBatchSize: 100, windowThreshold: 300))

        let report = try await harness.drive { try await refresher.refresh() }

        let calls = harness.api.listCalls
        #expect(report.usedWindow)
        // One window page for 399 actions, then one id batch for the one it did not return.
        #expect(calls.count == 2)
        let window = try #require(calls.first)
        #expect(window.filter.contains("type eq 'StopAndQuarantineFile'"))
        #expect(window.filter.contains("creationDateTimeUtc ge 2027-01-15T07:50:00Z"))
        #expect(window.filter.contains("creationDateTimeUtc lt 2027-01-15T08:10:00Z"))
        #expect(window.top == 10_000 && window.skip == 0)
        #expect(calls[1].filter == "id in ('\(late)')")
        #expect(report.read == 400)
        #expect(try harness.statuses().allSatisfy { $0 == "Succeeded" })
    }

    @Test(.timeLimit(.minutes(1)))
    func windowListingPagesWithItsOwnTopAndSkip() async throws {
        let harness = try StatusHarness(count: 450)
        var settings = StatusRefresher.Settings(idBatchSize: 100, windowThreshold: 300)
        settings.windowPageSize = 200
        let refresher = try harness.makeRefresher(settings: settings)
        let report = try await harness.drive { try await refresher.refresh() }
        let calls = harness.api.listCalls
        #expect(calls.map(\.skip) == [0, 200, 400])
        #expect(calls.allSatisfy { $0.top == 200 })
        #expect(report.read == 450)
    }

    @Test(.timeLimit(.minutes(1)))
    func windowListingStopsOnceEveryOpenActionWasReturned() async throws {
        // 400 actions in pages of 200: two full pages hold them all, so no third page is asked for.
        let harness = try StatusHarness(count: 400)
        var settings = StatusRefresher.Settings(idBatchSize: 100, windowThreshold: 300)
        settings.windowPageSize = 200
        let refresher = try harness.makeRefresher(settings: settings)
        let report = try await harness.drive { try await refresher.refresh() }
        #expect(harness.api.listCalls.map(\.skip) == [0, 200])
        #expect(report.listCalls == 2)
        #expect(report.read == 400)
    }

    @Test(.timeLimit(.minutes(1)))
    func aWindowOfOnePageSizeOfOpenActionsIsReadInOneListCall() async throws {
        // The default page is the API's largest (10,000, what mdebatch-bench status_refresh
        // reads in one call against the emulator); 1,000 in pages of 1,000 here, as the
        // harness fills its ledger one reservation at a time.
        #expect(StatusRefresher.Settings().windowPageSize == 10_000)
        let harness = try StatusHarness(count: 1000)
        harness.clock.advance(by: 100)
        var settings = StatusRefresher.Settings()
        settings.windowPageSize = 1000
        let refresher = try harness.makeRefresher(settings: settings)

        let report = try await harness.drive { try await refresher.refresh() }

        let calls = harness.api.listCalls
        #expect(calls.count == 1)
        #expect(calls.first?.top == 1000)
        #expect(report.listCalls == 1 && report.getCalls == 0)
        #expect(report.read == 1000)
        #expect(try harness.store.actionTally(jobId: harness.job.id) == ActionTally(tracked: 1000, open: 0))
    }

    @Test(.timeLimit(.minutes(1)))
    func cancelJobsTrackTheActionsTheyCancel() async throws {
        let harness = try StatusHarness(count: 5, kind: .cancel) { _ in "Cancelled" }
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)
        let report = try await harness.drive { try await refresher.refresh() }
        #expect(report.read == 5)
        #expect(harness.api.listCalls.first?.filter.contains(StatusHarness.actionId(4)) == true)
        #expect(try harness.statuses().allSatisfy { $0 == "Cancelled" })
    }

    @Test(.timeLimit(.minutes(1)))
    func forbiddenStopsTheRefreshAsAnAuthenticationProblem() async throws {
        let harness = try StatusHarness(count: 5)
        harness.api.failNextLists((403, nil))
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)
        let report = try await harness.drive { try await refresher.refresh() }
        guard case .authentication = report.stopReason else {
            Issue.record("expected an authentication stop, got \(String(describing: report.stopReason))")
            return
        }
        #expect(harness.api.listCalls.count == 1)
        #expect(try harness.statuses().allSatisfy { $0 == "Pending" })
    }

    @Test(.timeLimit(.minutes(1)))
    func serverErrorsAreRetriedWithBackoffThenStopAsUnreachable() async throws {
        let harness = try StatusHarness(count: 5)
        harness.api.failNextLists((500, nil), (503, nil))
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)
        let report = try await harness.drive { try await refresher.refresh() }
        #expect(report.stopReason == nil)
        #expect(report.read == 5)
        #expect(harness.api.listCalls.count == 3)

        harness.api.failNextLists((500, nil), (500, nil), (500, nil))
        let second = try await harness.drive { try await refresher.refresh() }
        guard case .apiUnreachable = second.stopReason else {
            Issue.record("expected the API to count as unreachable, got \(String(describing: second.stopReason))")
            return
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func watchRepeatsUntilEveryActionIsFinal() async throws {
        let harness = try StatusHarness(count: 120) { $0 == 0 ? "Failed" : nil }
        let refresher = try harness.makeRefresher(settings: Self.idsOnly)
        let rounds = RoundLog()

        let reason = try await harness.drive {
            try await refresher.watch(interval: 30) { round, report, tally in rounds.append(round, tally.open) }
        }

        #expect(reason == nil)
        let log = rounds.entries
        // Pending at 0 s, InProgress at 30 s and 60 s, Succeeded from 90 s.
        #expect(log.map(\.round) == [1, 2, 3, 4])
        #expect(log.map(\.open) == [119, 119, 119, 0])
        #expect(try harness.store.actionTally(jobId: harness.job.id) == ActionTally(tracked: 120, open: 0))
        #expect(try harness.statuses().filter { $0 == "Succeeded" }.count == 119)
    }

    @Test(.timeLimit(.minutes(1)))
    func watchStopsCleanlyWhenAskedTo() async throws {
        let harness = try StatusHarness(count: 3)
        let stop = StopController()
        let refresher = try harness.makeRefresher(settings: Self.idsOnly, stop: stop)
        let reason = try await harness.drive {
            try await refresher.watch(interval: 30) { round, _, _ in if round == 2 { stop.stop(.signal) } }
        }
        #expect(reason == .signal)
        #expect(harness.api.listCalls.count == 2)
    }
}

/// The rounds a watch reported.
final class RoundLog: Sendable {
    private let state = Mutex<[(round: Int, open: Int)]>([])
    func append(_ round: Int, _ open: Int) { state.withLock { $0.append((round, open)) } }
    var entries: [(round: Int, open: Int)] { state.withLock { $0 } }
}
