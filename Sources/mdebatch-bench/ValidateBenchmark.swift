import Foundation
import MDEBatchCore

/// The ingest pipeline as `mdebatch validate` runs it (no store): read, validate and
/// deduplicate a generated incident CSV, counting rows in `onRow`.
struct ValidateBenchmark: Benchmark {
    let name = "validate"

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mdebatch-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("incident.csv")
        let bytes = try IncidentCSVGenerator(rows: configuration.rows).write(to: file)

        let pipeline = IngestPipeline(options: IngestOptions())
        var seen = 0
        var commentBytes = 0
        let cpuBefore = ProcessMemory.cpuSeconds()
        let clock = ContinuousClock()
        var summary = IngestSummary()
        let elapsed = try clock.measure {
            summary = try pipeline.run([.file(path: file.path)]) { row in
                seen += 1
                commentBytes &+= row.comment.utf8.count
            }
        }
        let cpu = ProcessMemory.cpuSeconds() - cpuBefore
        let seconds = elapsed.seconds
        precondition(seen == summary.rowCount && summary.fileErrors.isEmpty, "the benchmark input must read cleanly")
        return [
            Figure(name: "\(name).rows", value: Double(summary.rowCount)),
            Figure(name: "\(name).valid", value: Double(summary.validCount)),
            Figure(name: "\(name).duplicates", value: Double(summary.duplicateCount)),
            Figure(name: "\(name).invalid", value: Double(summary.invalidCount)),
            Figure(name: "\(name).file_mb", value: Double(bytes) / 1_048_576),
            Figure(name: "\(name).seconds", value: seconds),
            Figure(name: "\(name).cpu_seconds", value: cpu),
            Figure(name: "\(name).rows_per_s", value: Double(summary.rowCount) / seconds),
            Figure(name: "\(name).mb_per_s", value: Double(bytes) / 1_048_576 / seconds),
            Figure(name: "\(name).peak_rss_mb", value: ProcessMemory.peakResidentMiB()),
        ]
    }
}
