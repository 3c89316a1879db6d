import Foundation
import GRDB
import Testing

@testable import MDEBatchCore

/// Applying what the lookups found to a job's rows, in one transaction (docs/INPUTS.md,
/// "Names and SHA-256").
struct ApplyResolutionTests {
    static let target = JobTarget(apiBase: "https://api.test", tenant: "tenant-1")
    static let now = Date(timeIntervalSince1970: 1_795_000_000)
    static let sha256 = String(repeating: "5", count: 64)
    static let sha1 = String(repeating: "1", count: 40)
    static let idA = String(repeating: "a", count: 40)
    static let idB = String(repeating: "b", count: 40)
    static let idC = String(repeating: "c", count: 40)

    static func candidate(_ id: String, daysAgo: Double, name: String = "pc-042.contoso.com") -> MachineCandidate {
        MachineCandidate(
            id: id, computerDnsName: name, lastSeen: now.addingTimeInterval(-daysAgo * 86_400), healthStatus: "Active",
            onboardingStatus: "Onboarded")
    }

    /// A job of `csv` on the test target, and the store it is in.
    static func job(_ csv: String, allMatches: Bool = false) throws -> (StateStore, JobRecord) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("resolve-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(csv.utf8).write(to: url)
        let store = try StateStore.inMemory()
        let result = try JobIngest.ingest(
            [.file(path: url.path)], names: ["in.csv"],
            options: QuarantineJobOptions(ingest: IngestOptions(), allMatches: allMatches), target: target, store: store,
            now: now)
        return (store, try #require(result.creation.job))
    }

    static func learn(_ store: StateStore, _ facts: (inout LookupFacts) -> Void) throws {
        var found = LookupFacts(targetKey: target.key)
        facts(&found)
        try store.record(
            slot: nil, rowId: nil, now: now, call: CallRecord(outcome: .resolved), change: .lookups(found))
    }

    static func apply(_ store: StateStore, _ job: JobRecord, allMatches: Bool = false) throws -> ResolutionCounts {
        try store.applyResolution(
            jobId: job.id, targetKey: target.key, allMatches: allMatches, resubmit: false,
            namesFreshAfter: now.addingTimeInterval(-86_400), now: now)
    }

    @Test func rowsWaitForTheirLookupsThenResolveOnce() throws {
        let (store, job) = try Self.job("DeviceName,SHA256,Comment\npc-042,\(Self.sha256),c\n")
        #expect(try store.resolutionNeeds(jobId: job.id).names == ["pc-042"])
        #expect(try store.resolutionNeeds(jobId: job.id).hashes == [Self.sha256])
        // Nothing known yet: the row stays unresolved.
        #expect(try Self.apply(store, job).unresolved == 1)
        try Self.learn(store) { facts in
            facts.names["pc-042"] = [Self.candidate(Self.idA, daysAgo: 1)]
            facts.hashes[Self.sha256] = Self.sha1
        }
        let counts = try Self.apply(store, job)
        #expect(counts.resolved == 1)
        let row = try #require(try store.rows(jobId: job.id).first)
        #expect(row.state == .pending)
        #expect(row.machineId == Self.idA)
        #expect(row.sha1 == Self.sha1)
        #expect(row.deviceName == "pc-042")
        #expect(row.inputHash == Self.sha256)
        #expect(try store.resolutionNeeds(jobId: job.id).names.isEmpty)
    }

    @Test func ambiguousAndUnknownNamesAndFilesEndAsTheirOutcomes() throws {
        let (store, job) = try Self.job(
            """
            DeviceName,SHA1,SHA256,Comment
            pc-042,\(Self.sha1),,ambiguous
            pc-404,\(Self.sha1),,unknown
            \(""),,,skip
            pc-043,,\(Self.sha256),unknown file

            """.replacingOccurrences(of: "\n,,,skip", with: ""))
        try Self.learn(store) { facts in
            facts.names["pc-042"] = [Self.candidate(Self.idA, daysAgo: 1), Self.candidate(Self.idB, daysAgo: 2)]
            facts.names["pc-404"] = []
            facts.names["pc-043"] = [Self.candidate(Self.idC, daysAgo: 0, name: "pc-043")]
            facts.hashes[Self.sha256] = String?.none
        }
        let counts = try Self.apply(store, job)
        #expect(counts.ambiguous == 1)
        #expect(counts.deviceNotFound == 1)
        #expect(counts.fileNotFound == 1)
        let rows = try store.rows(jobId: job.id)
        #expect(rows.map(\.state) == [.ambiguousDeviceName, .deviceNotFound, .fileNotFound])
        #expect(rows[0].machineCandidates.map(\.id) == [Self.idA, Self.idB])
        #expect(rows[0].errorMessage?.contains("--all-matches") == true)
        #expect(rows[1].errorMessage?.contains("no device named 'pc-404'") == true)
        #expect(try store.counts(jobId: job.id).open == 0)
    }

    @Test func allMatchesSendsToEachCandidateInItsOwnRow() throws {
        let (store, job) = try Self.job("DeviceName,SHA1,Comment\npc-042,\(Self.sha1),c\n", allMatches: true)
        try Self.learn(store) { facts in
            facts.names["pc-042"] = [Self.candidate(Self.idA, daysAgo: 1), Self.candidate(Self.idB, daysAgo: 2)]
        }
        let counts = try Self.apply(store, job, allMatches: true)
        #expect(counts.resolved == 2)
        #expect(counts.added == 1)
        let rows = try store.rows(jobId: job.id)
        #expect(rows.map(\.machineId) == [Self.idA, Self.idB])
        #expect(rows.allSatisfy { $0.state == .pending && $0.line == 2 && $0.deviceName == "pc-042" })
        #expect(try store.job(id: job.id).rowCount == 2)
        // The added row is counted like an ingested one (the job's counters agree with its rows).
        let (counters, recount) = try store.writer.read { db in
            (try StateStore.jobRowCounters(db, jobId: job.id), try StateStore.recountedJobRowCounters(db, jobId: job.id))
        }
        #expect(counters == recount)
        #expect(try store.counts(jobId: job.id)[.pending] == 2)
    }

    @Test func aRowThatResolvesToAnotherRowsKeyIsADuplicate() throws {
        let (store, job) = try Self.job(
            """
            DeviceId,DeviceName,SHA1,SHA256,Comment
            \(Self.idA),,\(Self.sha1),,by id
            ,PC-042,\(Self.sha1),,by name
            \(Self.idA),,,\(Self.sha256),by sha256

            """)
        try Self.learn(store) { facts in
            facts.names["pc-042"] = [Self.candidate(Self.idA, daysAgo: 1)]
            facts.hashes[Self.sha256] = Self.sha1
        }
        let counts = try Self.apply(store, job)
        #expect(counts.duplicates == 2)
        let rows = try store.rows(jobId: job.id)
        #expect(rows.map(\.state) == [.pending, .duplicate, .duplicate])
        #expect(rows[1].errorMessage?.hasSuffix(".csv:2 once resolved") == true)
    }

    @Test func aRefusedLookupFailsItsRowsWithWhatToDo() throws {
        let (store, job) = try Self.job("DeviceName,SHA1,Comment\npc-042,\(Self.sha1),c\n")
        try Self.learn(store) { facts in
            facts.jobId = job.id
            facts.failedNames["pc-042"] = "grant the app Machine.Read.All"
        }
        let row = try #require(try store.rows(jobId: job.id).first)
        #expect(row.state == .failed)
        #expect(row.errorCode == "resolution-failed")
        #expect(row.errorMessage == "grant the app Machine.Read.All")
    }

    @Test func namesExpireAfterADayAndHashesDoNot() throws {
        let (store, _) = try Self.job("DeviceName,SHA256,Comment\npc-042,\(Self.sha256),c\n")
        try Self.learn(store) { facts in
            facts.names["pc-042"] = []
            facts.hashes[Self.sha256] = Self.sha1
        }
        let later = Self.now.addingTimeInterval(2 * 86_400)
        #expect(
            try store.knownNames(targetKey: Self.target.key, among: ["pc-042"], freshAfter: later.addingTimeInterval(-86_400))
                .isEmpty)
        #expect(
            try store.knownHashes(
                targetKey: Self.target.key, among: [Self.sha256], missFreshAfter: later.addingTimeInterval(-86_400))
                == [Self.sha256])
        // Another target knows nothing.
        #expect(try store.knownHashes(targetKey: "other", among: [Self.sha256], missFreshAfter: .distantPast).isEmpty)
    }
}
