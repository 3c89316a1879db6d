import Foundation
import MDEBatchCore
import MDEEmulator

/// Resuming a big job: a 1,000,000-row job (`--rows`) interrupted after 1,000 actions, then
/// `mdebatch resume JOB`: the real time from the process start to its next request reaching
/// the emulator; and the time `jobs` and `status` take on that state file.
///
/// The emulator runs in this process with its limits off and its clock at 60×; the client
/// is the real `mdebatch` binary built beside this one.
struct ResumeBenchmark: Benchmark {
    let name = "resume"

    func run(_ configuration: BenchmarkConfiguration) throws -> [Figure] {
        let binary = try mdebatchBinary()
        return try withTemporaryFolder { directory in try measure(binary, in: directory, rows: configuration.rows) }
    }

    private func measure(_ binary: URL, in directory: URL, rows: Int) throws -> [Figure] {
        let input = directory.appendingPathComponent("incident.csv")
        _ = try IncidentCSVGenerator(rows: rows).write(to: input)
        let state = directory.appendingPathComponent("s.sqlite").path

        return try runBlocking { () async throws -> [Figure] in
            let (server, emulator) = try await startUnlimitedEmulator()
            defer { Task { await server.stop() } }
            let process = MDEBatchProcess(binary: binary, emulator: emulator, baseURL: server.baseURL)
            let origin = ISO8601DateFormatter().string(from: emulator.origin)

            // The job, interrupted after 1,000 actions.
            let first = try await process.run([
                "run", input.path, "--api-base", server.baseURL, "--state", state, "--time-scale", "60", "--time-origin", origin,
                "--rate", "1000000/1m", "--rate", "1000000/1h", "--max-requests", "1000", "--quiet",
                "--report", directory.appendingPathComponent("r.csv").path,
            ])
            guard first.status == 75 else { throw BenchmarkError("the first run exited \(first.status), not 75") }
            let job = try jobId(printedBy: first.stdout)
            let before = await server.journal().count

            // Resume: from the process start to its next request at the emulator.
            let resumedAt = Date()
            let resume = try await process.run(["resume", job, "--state", state, "--max-requests", "1", "--quiet"])
            let journal = await server.journal()
            guard resume.status == 75,
                let next = journal.dropFirst(before).first(where: { $0.path.hasSuffix("/StopAndQuarantineFile") }),
                let arrived = EmulatorTime.parse(next.time)
            else { throw BenchmarkError("resume sent nothing (exit \(resume.status))") }
            // Emulator time runs 60× from its origin: back to real time.
            let arrivedReal = emulator.origin.addingTimeInterval(arrived.timeIntervalSince(emulator.origin) / 60)
            let jobs = try await process.run(["jobs", "--state", state])
            let status = try await process.run(["status", job, "--state", state])
            return [
                Figure(name: "\(name).rows", value: Double(rows)),
                Figure(name: "\(name).first_request_s", value: arrivedReal.timeIntervalSince(resumedAt)),
                Figure(name: "\(name).resume_process_s", value: resume.seconds),
                Figure(name: "\(name).jobs_s", value: jobs.seconds),
                Figure(name: "\(name).status_s", value: status.seconds),
            ]
        }
    }
}
