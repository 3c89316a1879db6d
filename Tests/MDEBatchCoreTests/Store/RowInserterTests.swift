import Foundation
import GRDB
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// The row inserter stores every column as given (it binds each row's texts from one reused
/// buffer, and the job id and source once), and counts what it inserted into the job's
/// counters.
struct RowInserterTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    private static func rows() -> [NewRow] {
        var rows: [NewRow] = []
        for i in 0..<40 {
            let state: RowState = [.pending, .invalid, .duplicate, .unresolved, .pending][i % 5]
            var row = NewRow(
                source: i < 20 ? "a.csv" : "b.csv", line: i + 2,
                machineId: i % 7 == 3 ? "" : String(format: "%040x", i),
                sha1: String(repeating: "c", count: 32) + String(format: "%08x", i),
                // Short, empty, non-ASCII and longer than the inserter's first buffer (4 KiB).
                comment: [
                    "row \(i)", "", "é, \"quoted\" ✓ 日本", String(repeating: "long ", count: 1000 + i),
                ][i % 4],
                state: state,
                errorCode: state == .invalid ? "invalid-sha1" : nil,
                errorMessage: state == .invalid ? "sha1 \"x\" is not 40 hex digits" : nil,
                targetActionId: i % 3 == 0 ? "action-\(i)" : nil)
            if state == .unresolved {
                row.deviceName = "WS-\(i).contoso.local"
                row.inputHash = String(repeating: "e", count: 64)
            }
            rows.append(row)
        }
        return rows
    }

    @Test func everyColumnIsStoredAsGiven() throws {
        let store = try StateStore.inMemory()
        let given = Self.rows()
        let creation = try store.createJob(NewJob(kind: .quarantine, inputs: ["a.csv", "b.csv"], options: "{}"), now: now) {
            inserter in
            for row in given { try inserter.insert(row) }
            return "content"
        }
        let job = try #require(creation.job)
        #expect(job.rowCount == given.count)
        let stored = try store.rows(jobId: job.id)
        #expect(stored.count == given.count)
        for (row, record) in zip(given, stored) {
            #expect(record.jobId == job.id)
            #expect(record.source == row.source)
            #expect(record.line == row.line)
            #expect(record.machineId == row.machineId)
            #expect(record.sha1 == row.sha1)
            #expect(record.comment == row.comment)
            #expect(record.state == row.state)
            #expect(record.errorCode == row.errorCode)
            #expect(record.errorMessage == row.errorMessage)
            #expect(record.targetActionId == row.targetActionId)
            #expect(record.deviceName == row.deviceName)
            #expect(record.inputHash == row.inputHash)
            #expect(record.adopted == false)
            #expect(record.attempts == 0)
        }
        // Empty texts are stored as empty text, not NULL.
        let emptyMachineIds = try store.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM jobRow WHERE machineId = ''")
        }
        #expect(emptyMachineIds == given.filter { $0.machineId.isEmpty }.count)
    }

    @Test func theInsertersCountsAreTheJobsCounters() throws {
        let store = try StateStore.inMemory()
        let creation = try store.createJob(NewJob(kind: .quarantine, inputs: ["a.csv"], options: "{}"), now: now) { inserter in
            for row in Self.rows() { try inserter.insert(row) }
            return "content"
        }
        let job = try #require(creation.job)
        try store.writer.read { db in
            let counters = try StateStore.jobRowCounters(db, jobId: job.id)
            #expect(counters == (try StateStore.recountedJobRowCounters(db, jobId: job.id)))
            #expect(counters.values.reduce(0, +) == 40)
        }
    }

    /// An ingested row inserted as it is is the row `NewRow(row)` makes, for every verdict.
    @Test func anIngestedRowIsStoredAsItsNewRow() throws {
        let location = RowLocation(source: "incident.csv", line: 7)
        let first = RowLocation(source: "incident.csv", line: 3)
        let machine = String(repeating: "a", count: 40)
        let sha1 = String(repeating: "b", count: 40)
        var ingested: [IngestedRow] = [
            IngestedRow(
                location: location, machineId: machine.uppercased(), sha1: sha1, comment: " hi ",
                verdict: .valid(NormalizedRow(machineId: machine, sha1: sha1, comment: "hi"))),
            IngestedRow(
                location: location, machineId: "", sha1: "", comment: "c",
                verdict: .valid(
                    NormalizedRow(
                        machineId: "", sha1: "", comment: "c", deviceName: "WS-1", sha256: String(repeating: "e", count: 64)))),
            IngestedRow(
                location: location, machineId: "xyz", sha1: sha1, comment: "c",
                verdict: .invalid(reason: .invalidMachineId, message: "machine id \"xyz\" is not 40 hex digits")),
            IngestedRow(location: location, machineId: machine, sha1: sha1, comment: "c", verdict: .duplicate(of: first)),
        ]
        var named = IngestedRow(
            location: location, machineId: "", sha1: "", comment: "", verdict: .invalid(reason: .missingComment, message: "m"))
        named.deviceName = "WS-2"
        named.sha256 = "f"
        ingested.append(named)
        let store = try StateStore.inMemory()
        func ingest(_ content: String, _ insert: @escaping (RowInserter, IngestedRow) throws -> Void) throws -> [RowRecord] {
            let job = try #require(
                try store.createJob(NewJob(kind: .quarantine, inputs: ["incident.csv"], options: "{}"), now: now) { inserter in
                    for row in ingested { try insert(inserter, row) }
                    return content
                }.job)
            return try store.rows(jobId: job.id)
        }
        let direct = try ingest("one") { inserter, row in try inserter.insert(row) }
        let converted = try ingest("two") { inserter, row in try inserter.insert(NewRow(row)) }
        #expect(direct.count == ingested.count)
        for (a, b) in zip(direct, converted) {
            #expect(a.source == b.source && a.line == b.line)
            #expect(a.machineId == b.machineId && a.sha1 == b.sha1 && a.comment == b.comment)
            #expect(a.state == b.state && a.errorCode == b.errorCode && a.errorMessage == b.errorMessage)
            #expect(a.targetActionId == b.targetActionId)
            #expect(a.deviceName == b.deviceName && a.inputHash == b.inputHash)
        }
        #expect(direct.map(\.state) == [.pending, .unresolved, .invalid, .duplicate, .invalid])
        #expect(direct[3].errorMessage == "duplicate of incident.csv:3")
    }
}

extension NewRow {
    /// The test's own mapping of an ingested row to a store row, written apart from
    /// `RowInserter.insert(_: IngestedRow)` so that the two check each other.
    init(_ row: IngestedRow) {
        switch row.verdict {
        case .valid(let normalized):
            self.init(
                source: row.location.source, line: row.location.line, machineId: normalized.machineId,
                sha1: normalized.sha1, comment: normalized.comment, state: normalized.needsResolution ? .unresolved : .pending)
            deviceName = normalized.deviceName
            inputHash = normalized.sha256
        case .invalid(let reason, let message):
            self.init(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .invalid, errorCode: reason.rawValue, errorMessage: message)
            if !row.deviceName.isEmpty { deviceName = row.deviceName }
            if !row.sha256.isEmpty { inputHash = row.sha256 }
        case .duplicate(let first):
            self.init(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .duplicate, errorCode: "duplicate", errorMessage: "duplicate of \(first)")
            if !row.deviceName.isEmpty { deviceName = row.deviceName }
            if !row.sha256.isEmpty { inputHash = row.sha256 }
        }
    }
}
