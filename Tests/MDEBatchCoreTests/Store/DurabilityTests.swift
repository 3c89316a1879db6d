import Foundation
import GRDB
import Testing

@testable import MDEBatchCore

/// The commit that marks a row `sending` waits for the disk; other commits survive a killed
/// process only (docs/SAFETY.md, "Checkpoints"). A power cut cannot be staged in a test; the
/// setting each commit runs under can be read back on the writing connection.
struct DurabilityTests {
    let folder: URL
    let store: StateStore
    let jobId: String
    let rowId: Int64

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try StateStore.open(path: folder.appendingPathComponent("state.sqlite").path)
        let job = try #require(
            try store.createJob(NewJob(kind: .quarantine, inputs: ["t.csv"], options: "{}"), now: Date()) { inserter in
                try inserter.insert(
                    NewRow(
                        source: "t.csv", line: 2, machineId: String(repeating: "a", count: 40),
                        sha1: String(repeating: "b", count: 40), comment: "row", state: .pending))
                return "durability"
            }.job)
        jobId = job.id
        rowId = try #require(try store.rows(jobId: job.id, afterId: 0, limit: 1).first?.id)
    }

    /// `PRAGMA synchronous` on the writing connection: 1 is NORMAL, 2 is FULL.
    func synchronous() throws -> Int? {
        try store.writer.unsafeReentrantWrite { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }

    /// What `reserveSlot` runs under while it decides, for `purpose`.
    func synchronousWhileReserving(_ purpose: SlotPurpose) throws -> (Int?, Reservation) {
        var seen: Int?
        let reservation = try store.reserveSlot(
            for: purpose, jobId: jobId, tenant: "t", api: .stopAndQuarantine, now: Date(), requestTimeout: 30
        ) { _, _ in
            seen = try? synchronous()
            return .go
        }
        return (seen, reservation)
    }

    @Test func aSendsReservationCommitsSyncedAndEveryOtherCommitDoesNot() throws {
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try store.writer.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try synchronous() == 1)

        let (duringSend, sent) = try synchronousWhileReserving(.send(rowId: rowId))
        #expect(duringSend == 2)
        guard case .granted = sent else {
            Issue.record("the send was not granted: \(sent)")
            return
        }
        #expect(try synchronous() == 1, "back to NORMAL after the synced commit")
        #expect(try store.row(id: rowId)?.state == .sending)

        let (duringLookup, _) = try synchronousWhileReserving(.lookup(rowId: nil))
        #expect(duringLookup == 1)
    }
}
