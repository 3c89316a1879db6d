import Foundation
import MDEBatchCore
import Testing

/// Ids used by the fixture files (see `Fixtures/`).
enum FixtureIDs {
    static let m1 = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
    static let m2 = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"
    static let m3 = "00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee"
    static let s1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
    static let s2 = "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12"
    static let s3 = "de9f2c7fd25e1b3afad3e85a0bd17d9b100db4b3"
}

/// What one pipeline run produced.
struct IngestResult {
    var rows: [IngestedRow]
    var summary: IngestSummary

    var valid: [NormalizedRow] { rows.compactMap(\.verdict.normalized) }
    var lines: [Int] { rows.map(\.location.line) }
    var reasons: [RejectionReason?] {
        rows.map { row in
            if case .invalid(let reason, _) = row.verdict { return reason }
            return nil
        }
    }
}

/// The path of a file in `Fixtures/`.
func fixturePath(_ name: String) throws -> String {
    let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
    return url.path
}

/// Runs the pipeline over fixture files.
func ingestFixtures(_ names: [String], options: IngestOptions = IngestOptions()) throws -> IngestResult {
    try ingest(names.map { try fixturePath($0) }, options: options)
}

/// Runs the pipeline over paths.
func ingest(_ paths: [String], options: IngestOptions = IngestOptions()) throws -> IngestResult {
    var rows: [IngestedRow] = []
    let summary = try IngestPipeline(options: options).run(paths.map { InputSource.file(path: $0) }) { rows.append($0) }
    return IngestResult(rows: rows, summary: summary)
}

/// A fresh directory for files a test writes.
func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-ingest-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes `bytes` to a new file named `name` in a fresh directory; returns its path.
func writeTemporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let url = try makeTemporaryDirectory().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url.path
}

func writeTemporaryFile(_ name: String, _ text: String) throws -> String {
    try writeTemporaryFile(name, Array(text.utf8))
}
