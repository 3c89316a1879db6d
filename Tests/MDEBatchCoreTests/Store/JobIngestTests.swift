import Foundation
import MDEBatchCore
import Testing

struct JobIngestTests {
    @Test func rerunFindsTheJobByTheFilesBytesWithTheSameCounts() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ingest-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        let a = String(repeating: "a", count: 40)
        let b = String(repeating: "b", count: 40)
        try Data(
            """
            DeviceId,SHA1,Comment
            \(a),\(b),one
            \(a),\(b),dup
            \(a),\(String(repeating: "c", count: 64)),sha256
            \(b),\(b),two

            """.utf8
        ).write(to: url)
        let store = try StateStore.inMemory()
        let options = QuarantineJobOptions(ingest: IngestOptions())
        let first = try JobIngest.ingest(
            [.file(path: url.path)], names: ["x.csv"], options: options, target: nil, store: store, now: Date())
        let job = try #require(first.creation.job)
        let second = try JobIngest.ingest(
            [.file(path: url.path)], names: ["x.csv"], options: options, target: nil, store: store, now: Date())
        guard case .existing(let found) = second.creation else {
            Issue.record("expected the existing job, got \(second.creation)")
            return
        }
        #expect(found.id == job.id)
        #expect(second.summary.rowCount == first.summary.rowCount)
        #expect(second.summary.validCount == first.summary.validCount)
        #expect(second.summary.duplicateCount == first.summary.duplicateCount)
        #expect(second.summary.invalidCounts == first.summary.invalidCounts)
        #expect(second.summary.fingerprint == first.summary.fingerprint)
        // A changed byte is a different input, so a different job.
        try Data("DeviceId,SHA1,Comment\n\(a),\(b),changed\n".utf8).write(to: url)
        let third = try JobIngest.ingest(
            [.file(path: url.path)], names: ["x.csv"], options: options, target: nil, store: store, now: Date())
        #expect(third.creation.job?.id != job.id)
    }
}
