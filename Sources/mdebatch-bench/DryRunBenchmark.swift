import Foundation
import MDEBatchCore

/// `mdebatch run --dry-run`: read, validate, deduplicate and insert every row into a new
/// job in a fresh state file, in one transaction.
struct DryRunBenchmark: Benchmark {
    let name = "dry_run"

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("incident.csv")
        _ = try IncidentCSVGenerator(rows: configuration.rows).write(to: file)
        let statePath = directory.appendingPathComponent("state.sqlite").path
        let store = try StateStore.open(path: statePath)
        let options = QuarantineJobOptions(ingest: IngestOptions())

        ProcessMemory.resetPeak()
        let cpuBefore = ProcessMemory.cpuSeconds()
        let clock = ContinuousClock()
        var result: JobIngest.Result?
        let elapsed = try clock.measure {
            result = try JobIngest.ingest(
                [.file(path: file.path)], names: ["incident.csv"], options: options, target: nil, store: store, now: Date())
        }
        let cpu = ProcessMemory.cpuSeconds() - cpuBefore
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        guard let job = result?.creation.job else { throw BenchmarkError("the dry run created no job") }
        let peak = ProcessMemory.peakResidentMiB()

        // A second dry run of the same file finds the same job (and rolls its rows back).
        let again = try clock.measure {
            result = try JobIngest.ingest(
                [.file(path: file.path)], names: ["incident.csv"], options: options, target: nil, store: store, now: Date())
        }
        guard case .existing(let found) = result?.creation, found.id == job.id else {
            throw BenchmarkError("re-ingest did not find the same job")
        }
        let againSeconds = Double(again.components.seconds) + Double(again.components.attoseconds) / 1e18
        let size = (try? FileManager.default.attributesOfItem(atPath: statePath)[.size] as? NSNumber)?.doubleValue ?? 0
        let wal = (try? FileManager.default.attributesOfItem(atPath: statePath + "-wal")[.size] as? NSNumber)?.doubleValue ?? 0
        return [
            Figure(name: "\(name).rows", value: Double(job.rowCount)),
            Figure(name: "\(name).seconds", value: seconds),
            Figure(name: "\(name).cpu_seconds", value: cpu),
            Figure(name: "\(name).rows_per_s", value: Double(job.rowCount) / seconds),
            Figure(name: "\(name).peak_rss_mb", value: peak),
            Figure(name: "\(name).state_file_mb", value: (size + wal) / 1_048_576),
            Figure(name: "\(name).reingest_seconds", value: againSeconds),
        ]
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
