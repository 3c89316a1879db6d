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
        // One lock file for the state file, named by its device and inode, whatever the
        // number of jobs and paths; nothing beside the state file.
        var info = stat()
        #expect(stat(state, &info) == 0)
        let locks = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-locks").path
        let mine = try FileManager.default.contentsOfDirectory(atPath: locks)
            .filter { $0.hasPrefix("\(info.st_dev)-\(info.st_ino)") }
        #if os(Linux)
            #expect(mine == ["\(info.st_dev)-\(info.st_ino).lock"])
        #else
            #expect(mine.count == 2)  // an flock file per job elsewhere
        #endif
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".lock") }.isEmpty)
    }
}
