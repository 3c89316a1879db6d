import Foundation
import GRDB
import Testing

@testable import MDEBatchCore

/// The connection that writes a state file syncs each commit to the disk (docs/SAFETY.md,
/// "Checkpoints"): a committed `sending` must survive a power cut, not only a killed process.
/// A power cut cannot be staged in a test; the settings that promise it can be read back.
struct DurabilityTests {
    @Test func theWritingConnectionSyncsEachCommitInWALMode() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-durability-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try StateStore.open(path: folder.appendingPathComponent("state.sqlite").path)
        // 2 is FULL (0 OFF, 1 NORMAL, 3 EXTRA).
        let writing = try store.writer.write { db in
            try (Int.fetchOne(db, sql: "PRAGMA synchronous"), String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(writing.0 == 2)
        #expect(writing.1 == "wal")
    }
}
