import Foundation
import MDEBatchCore
import Testing

/// The job lock is keyed by the state file's identity, not its path.
struct JobLockTests {
    @Test func theSameJobThroughASymlinkIsBusyAndOtherJobsAreNot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let state = folder.appendingPathComponent("state.sqlite").path
        _ = try StateStore.open(path: state)
        let link = folder.appendingPathComponent("link.sqlite").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: state)

        do {
            let held = try JobLock(statePath: state, jobId: "q-aaaaaaaa")
            // An open-file-description lock conflicts even within one process.
            #expect(throws: JobLockError.busy(jobId: "q-aaaaaaaa")) { try JobLock(statePath: link, jobId: "q-aaaaaaaa") }
            #expect(throws: JobLockError.busy(jobId: "q-aaaaaaaa")) { try JobLock(statePath: state, jobId: "q-aaaaaaaa") }
            // Another job of the same state file runs at the same time.
            let other = try JobLock(statePath: link, jobId: "q-bbbbbbbb")
            withExtendedLifetime((held, other)) {}
        }
        // Released when its holder goes.
        _ = try JobLock(statePath: link, jobId: "q-aaaaaaaa")
        // No lock file per job: nothing is created beside the state file.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lock") }.isEmpty)
    }
}
