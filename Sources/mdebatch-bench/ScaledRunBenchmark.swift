import Foundation
import MDEBatchCore
import MDEEmulator

/// A whole `mdebatch run` of N rows against the emulator with its clock sped up:
/// the makespan against the ideal schedule under the same two windows, the 429s, and
/// the client's CPU time per submitted action.
///
/// The emulator runs in this process; the client is the real `mdebatch` binary built
/// beside this one, in its own process, so its CPU time is measured alone
/// (`getrusage(RUSAGE_CHILDREN)`).
///
/// `MDEBATCH_BENCH_RUN_ROWS` (default 3,200) and `MDEBATCH_BENCH_SCALE` (default 60, as
/// `run --emulator`) change the run. At high scales every millisecond of real latency
/// becomes a large slice of emulator time, so the ratio then measures the machine, not the
/// schedule.
struct ScaledRunBenchmark: Benchmark {
    let name = "scaled_run"
    var rows = ProcessInfo.processInfo.environment["MDEBATCH_BENCH_RUN_ROWS"].flatMap(Int.init) ?? 3200
    var scale = ProcessInfo.processInfo.environment["MDEBATCH_BENCH_SCALE"].flatMap(Double.init) ?? 60

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        let binary = try mdebatchBinary()
        return try withTemporaryFolder { directory in try measure(binary, in: directory) }
    }

    private func measure(_ binary: URL, in directory: URL) throws -> [Figure] {
        var csv = "DeviceId,SHA1,Comment\n"
        for i in 0..<rows {
            csv +=
                "c0ffee00\(String(repeating: "b", count: 24))\(String(format: "%08x", i / 4)),"
                + "\(String(repeating: "d", count: 32))\(String(format: "%08x", i)),bench row \(i)\n"
        }
        let input = directory.appendingPathComponent("rows.csv")
        try Data(csv.utf8).write(to: input)
        let scale = self.scale

        let outcome = try runBlocking { () async throws -> (journal: [JournalEntry], status: Int32, origin: Date) in
            let configuration = EmulatorConfiguration(timeScale: scale, origin: Date())
            let server = try await EmulatorServer.start(configuration)
            let process = MDEBatchProcess(binary: binary, emulator: configuration, baseURL: server.baseURL)
            let result = try await process.run([
                "run", input.path, "--api-base", server.baseURL, "--state", directory.appendingPathComponent("s.sqlite").path,
                "--time-scale", String(scale), "--time-origin", ISO8601DateFormatter().string(from: configuration.origin),
                "--request-timeout", "30s", "--quiet", "--report", directory.appendingPathComponent("r.csv").path,
            ])
            let journal = await server.journal()
            await server.stop()
            return (journal, result.status, configuration.origin)
        }
        guard outcome.status == 0 else { throw BenchmarkError("mdebatch run exited \(outcome.status)") }
        let sends = outcome.journal.filter { $0.path.hasSuffix("/StopAndQuarantineFile") }
        let arrivals = sends.compactMap { EmulatorTime.parse($0.time) }.sorted()
        guard let first = arrivals.first, let last = arrivals.last else { throw BenchmarkError("no request arrived") }
        let created = sends.filter(\.created).count
        let ideal = QuotaSchedule.estimate(policy: .mdeDefault, now: first, additionalCalls: created).makespan
        let actual = last.timeIntervalSince(first)
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        let cpu =
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return [
            Figure(name: "\(name).rows", value: Double(rows)),
            Figure(name: "\(name).time_scale", value: scale),
            Figure(name: "\(name).actions_created", value: Double(created)),
            Figure(name: "\(name).http_429", value: Double(outcome.journal.filter { $0.status == 429 }.count)),
            Figure(name: "\(name).makespan_s", value: actual),
            Figure(name: "\(name).ideal_makespan_s", value: ideal),
            Figure(name: "\(name).makespan_ratio", value: ideal > 0 ? actual / ideal : 1),
            Figure(name: "\(name).client_cpu_s", value: cpu),
            Figure(name: "\(name).client_cpu_ms_per_action", value: cpu * 1000 / Double(max(created, 1))),
        ]
    }
}

/// Emulator timestamps: ISO-8601 with up to seven fractional digits.
enum EmulatorTime {
    static func parse(_ text: String) -> Date? {
        let parts = text.split(separator: ".", maxSplits: 1)
        guard let base = ISO8601DateFormatter().date(from: parts.count == 2 ? String(parts[0]) + "Z" : text) else { return nil }
        guard parts.count == 2 else { return base }
        let digits = parts[1].prefix { $0.isNumber }
        let fraction = Double("0." + digits) ?? 0
        return base.addingTimeInterval(fraction)
    }
}

/// Runs async work from the synchronous benchmark driver.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let semaphore = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, any Error>?
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        semaphore.signal()
    }
    semaphore.wait()
    return try result!.get()
}
