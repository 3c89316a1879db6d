import Foundation
import MDEBatchCore
import MDEEmulator

/// `mdebatch status JOB --refresh` of a job with N open actions (default 10,000,
/// `MDEBATCH_BENCH_REFRESH_ACTIONS`): the list and single-GET calls it makes, counted from
/// the emulator's journal, and its real time.
///
/// The actions are made by a real `mdebatch run` against the emulator (its limits off, its
/// clock at 60×); their statuses as recorded at submission are all `Pending`, so every one
/// is open for the refresh, which then runs under the job's quota like any other.
struct StatusRefreshBenchmark: Benchmark {
    let name = "status_refresh"
    var actions = ProcessInfo.processInfo.environment["MDEBATCH_BENCH_REFRESH_ACTIONS"].flatMap(Int.init) ?? 10_000

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        let binary = try mdebatchBinary()
        return try withTemporaryFolder { directory in try measure(binary, in: directory) }
    }

    private func measure(_ binary: URL, in directory: URL) throws -> [Figure] {
        var csv = "DeviceId,SHA1,Comment\n"
        for i in 0..<actions {
            csv +=
                "5ea7c0de\(String(repeating: "a", count: 24))\(String(format: "%08x", i)),"
                + "\(String(repeating: "e", count: 32))\(String(format: "%08x", i)),refresh row \(i)\n"
        }
        let input = directory.appendingPathComponent("rows.csv")
        try Data(csv.utf8).write(to: input)
        let state = directory.appendingPathComponent("s.sqlite").path
        let actions = self.actions

        return try runBlocking { () async throws -> [Figure] in
            let (server, emulator) = try await startUnlimitedEmulator()
            defer { Task { await server.stop() } }
            let process = MDEBatchProcess(binary: binary, emulator: emulator, baseURL: server.baseURL)
            let clock = ["--time-scale", "60", "--time-origin", ISO8601DateFormatter().string(from: emulator.origin)]

            let created = try await process.run(
                [
                    "run", input.path, "--api-base", server.baseURL, "--state", state, "--rate", "1000000/1m", "--rate",
                    "1000000/1h", "--quiet", "--report", directory.appendingPathComponent("r.csv").path,
                ] + clock)
            guard created.status == 0 else { throw BenchmarkError("the run that makes the actions exited \(created.status)") }
            let job = try jobId(printedBy: created.stdout)
            let before = await server.journal().count

            let refresh = try await process.run(
                ["status", job, "--refresh", "--state", state, "--api-base", server.baseURL] + clock)
            guard refresh.status == 0 else { throw BenchmarkError("status --refresh exited \(refresh.status)") }
            let calls = await server.journal().dropFirst(before).filter { $0.method == "GET" }
            let lists = calls.filter { $0.path.hasPrefix("/api/machineactions?") || $0.path == "/api/machineactions" }
            let gets = calls.filter { $0.path.hasPrefix("/api/machineactions/") }
            let status = try await process.run(["status", job, "--state", state, "--json"])
            let open = Self.openActions(in: status.stdout)
            return [
                Figure(name: "\(name).actions", value: Double(actions)),
                Figure(name: "\(name).list_calls", value: Double(lists.count)),
                Figure(name: "\(name).get_calls", value: Double(gets.count)),
                Figure(name: "\(name).seconds", value: refresh.seconds),
                Figure(name: "\(name).open_after", value: Double(open ?? -1)),
            ]
        }
    }

    /// `summary.openActions` of `status --json`.
    static func openActions(in json: String) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let summary = object["summary"] as? [String: Any]
        else { return nil }
        return summary["openActions"] as? Int
    }
}
