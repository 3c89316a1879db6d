import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct StateStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private func rows(_ count: Int, prefix: String = "a") -> [NewRow] {
        (0..<count).map { i in
            NewRow(
                source: "incident.csv", line: i + 2,
                machineId: String(repeating: prefix, count: 32) + String(format: "%08x", i),
                sha1: String(repeating: "b", count: 32) + String(format: "%08x", i),
                comment: "row \(i)", state: .pending)
        }
    }

    private func ingest(
        _ store: StateStore, _ rows: [NewRow], content: String = "content-1", options: String = "{}", resubmit: Bool = false
    ) throws -> JobCreation {
        try store.createJob(NewJob(kind: .quarantine, inputs: ["incident.csv"], options: options, resubmit: resubmit), now: now) {
            inserter in
            for row in rows { try inserter.insert(row) }
            return content
        }
    }

    @Test func ingestCreatesJobWithAllRowsInOneTransaction() throws {
        let store = try StateStore.inMemory()
        let creation = try ingest(store, rows(5))
        let job = try #require(creation.job)
        #expect(job.rowCount == 5)
        #expect(job.state == .ready)
        #expect(try store.counts(jobId: job.id)[.pending] == 5)
        #expect(try store.rows(jobId: job.id).map(\.line) == [2, 3, 4, 5, 6])
    }

    @Test func reingestingSameContentAndOptionsFindsTheSameJob() throws {
        let store = try StateStore.inMemory()
        let first = try #require(try ingest(store, rows(3)).job)
        let second = try ingest(store, rows(3))
        #expect(second == .existing(first))
        #expect(try store.jobs().count == 1)
        #expect(try store.counts(jobId: first.id).total == 3)
    }

    @Test func theSameContentForAnotherTargetIsAnotherJob() throws {
        let store = try StateStore.inMemory()
        func ingest(for target: JobTarget) throws -> JobCreation {
            try store.createJob(NewJob(kind: .quarantine, inputs: ["x.csv"], options: "{}", target: target), now: now) {
                inserter in
                for row in rows(3) { try inserter.insert(row) }
                return "content-1"
            }
        }
        let first = try #require(try ingest(for: JobTarget(apiBase: "https://api.test", tenant: "one")).job)
        let other = JobTarget(apiBase: "https://api.test", tenant: "other")
        let second = try ingest(for: other)
        #expect(second.job?.id != first.id)
        #expect(second.job?.targetKey == other.key)
        #expect(try store.jobs().count == 2)
    }

    @Test func abortedIngestWritesNothing() throws {
        let store = try StateStore.inMemory()
        let creation = try store.createJob(NewJob(kind: .quarantine, inputs: ["x.csv"], options: "{}"), now: now) { inserter in
            try inserter.insert(rows(1)[0])
            return nil
        }
        #expect(creation == .aborted)
        #expect(try store.jobs().isEmpty)
    }

    @Test func unknownJobNamesTheKnownOnes() throws {
        let store = try StateStore.inMemory()
        let job = try #require(try ingest(store, rows(1)).job)
        let error = #expect(throws: StoreError.self) { try store.job(id: "q-nope") }
        #expect(error == .unknownJob(id: "q-nope", known: [job.id]))
        #expect(error?.description.contains(job.id) == true)
    }

    @Test func stateFileIsCreatedOwnerOnlyWithWAL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-store-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("nested/state.sqlite").path
        let store = try StateStore.open(path: path)
        _ = try ingest(store, rows(2))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue
        #expect(mode & 0o777 == 0o600)
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        let walMode = try #require(
            try FileManager.default.attributesOfItem(atPath: path + "-wal")[.posixPermissions] as? NSNumber
        ).intValue
        #expect(walMode & 0o077 == 0)
        // A second open of the same file sees the job (it was committed, not cached).
        let reopened = try StateStore.open(path: path)
        #expect(try reopened.jobs().count == 1)
    }

    @Test func garbageFileIsReportedNotCrashed() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: StoreError.self) { try StateStore.open(path: path) }
        #expect(error?.description.contains(path) == true)
    }

    @Test(
        arguments: [
            (nil, ["MDEBATCH_STATE": "/s/x.sqlite", "HOME": "/h"], "/s/x.sqlite"),
            ("/cli.sqlite", ["MDEBATCH_STATE": "/s/x.sqlite"], "/cli.sqlite"),
            (nil, ["XDG_STATE_HOME": "/xdg", "HOME": "/h"], "/xdg/mdebatch/state.sqlite"),
            (nil, ["HOME": "/h"], "/h/.local/state/mdebatch/state.sqlite"),
        ] as [(String?, [String: String], String)])
    func defaultStatePathFollowsSpec(explicit: String?, environment: [String: String], expected: String) {
        #expect(StatePath.resolve(explicit: explicit, environment: environment) == expected)
    }
}
