import Foundation
import MDEBatchCore

/// `mdebatch run --dry-run`: read, validate, deduplicate and insert every row into a new
/// job in a fresh state file, in one transaction.
struct DryRunBenchmark: Benchmark {
    let name = "dry_run"

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        try withTemporaryFolder { directory in
            var figures = try measure(configuration, in: directory)
            // The store is closed now: what stays on disk.
            let statePath = directory.appendingPathComponent("state.sqlite").path
            let closed = (try? FileManager.default.attributesOfItem(atPath: statePath)[.size] as? NSNumber)?.doubleValue ?? 0
            let input = figures.first { $0.name == "\(name).input_mb" }?.value ?? 0
            figures.append(Figure(name: "\(name).state_file_closed_mb", value: closed / 1_048_576))
            figures.append(
                Figure(name: "\(name).state_file_closed_to_input", value: input > 0 ? closed / 1_048_576 / input : 0))
            return figures
        }
    }

    private func measure(_ configuration: BenchmarkConfiguration, in directory: URL) throws -> [Figure] {
        let file = directory.appendingPathComponent("incident.csv")
        _ = try IncidentCSVGenerator(rows: configuration.rows).write(to: file)
        let statePath = directory.appendingPathComponent("state.sqlite").path
        let store = try StateStore.open(path: statePath)
        let options = QuarantineJobOptions(ingest: IngestOptions())
        // The file is named as a user names it, `mdebatch run --dry-run incident.csv` in its
        // folder: every row stores its input's name, and the temporary folder's absolute
        // path (69 bytes) would add about 57 MB per million rows that a real run does not write.
        let previousDirectory = FileManager.default.currentDirectoryPath
        guard FileManager.default.changeCurrentDirectoryPath(directory.path) else {
            throw BenchmarkError("cannot enter \(directory.path)")
        }
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previousDirectory) }
        let source = InputSource.file(path: file.lastPathComponent)

        ProcessMemory.resetPeak()
        let cpuBefore = ProcessMemory.cpuSeconds()
        let clock = ContinuousClock()
        var result: JobIngest.Result?
        let elapsed = try clock.measure {
            result = try JobIngest.ingest(
                [source], names: ["incident.csv"], options: options, target: nil, store: store, now: Date())
        }
        let cpu = ProcessMemory.cpuSeconds() - cpuBefore
        let seconds = elapsed.seconds
        guard let job = result?.creation.job else { throw BenchmarkError("the dry run created no job") }
        let peak = ProcessMemory.peakResidentMiB()

        // A second dry run of the same file finds the same job (and rolls its rows back).
        let again = try clock.measure {
            result = try JobIngest.ingest(
                [source], names: ["incident.csv"], options: options, target: nil, store: store, now: Date())
        }
        guard case .existing(let found) = result?.creation, found.id == job.id else {
            throw BenchmarkError("re-ingest did not find the same job")
        }
        let againSeconds = again.seconds
        func fileSize(_ path: String) -> Double {
            (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.doubleValue ?? 0
        }
        let size = fileSize(statePath)
        let wal = fileSize(statePath + "-wal")
        let input = fileSize(file.path)
        return [
            Figure(name: "\(name).rows", value: Double(job.rowCount)),
            Figure(name: "\(name).seconds", value: seconds),
            Figure(name: "\(name).cpu_seconds", value: cpu),
            Figure(name: "\(name).rows_per_s", value: Double(job.rowCount) / seconds),
            Figure(name: "\(name).peak_rss_mb", value: peak),
            // The file and its write-ahead log while the ingest's connection is open (the
            // log holds the whole transaction); the log is folded into the file and deleted
            // when the last connection closes (state_file_closed_mb, measured after this).
            Figure(name: "\(name).state_file_mb", value: (size + wal) / 1_048_576),
            Figure(name: "\(name).input_mb", value: input / 1_048_576),
            Figure(name: "\(name).reingest_seconds", value: againSeconds),
        ]
    }
}

struct BenchmarkError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
