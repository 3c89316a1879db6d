import Foundation
import MDEBatchCore
import MDEEmulator
import Testing

/// `status` and `report` of the built binary against a live emulator over loopback.
@Suite(.serialized)
struct StatusAndReportEndToEndTests {
    /// Incident rows whose actions end in every final status the emulator knows:
    /// SHA-1s starting `fa11` fail and `71e0` time out (the emulator's default rules).
    static func csv(count: Int, seed: Int) -> String {
        var lines = ["DeviceId,SHA1,Comment"]
        for i in 0..<count {
            let machine =
                "c0ffee" + String(format: "%02x", seed) + String(repeating: "b", count: 24) + String(format: "%08x", i / 2)
            let prefix = i % 10 == 3 ? "fa11" : i % 10 == 7 ? "71e0" : "cccc"
            let sha1 = prefix + String(repeating: "c", count: 28) + String(format: "%08x", i)
            lines.append("\(machine),\(sha1),incident \(seed) row \(i)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func jobId(_ emulator: EmulatorHarness) throws -> String {
        let store = try StateStore.open(path: emulator.statePath)
        return try #require(try store.jobs().first?.id)
    }

    /// The emulator's flags without `--quiet`, to see the rounds on standard error.
    static func loud(_ emulator: EmulatorHarness) -> [String] { emulator.flags().filter { $0 != "--quiet" } }

    /// Waits (in real time) until every action the emulator holds is final; throws, naming
    /// what it waited for, when they never are.
    static func waitUntilFinal(_ server: EmulatorServer) async throws {
        let final: Set<String> = ["Succeeded", "Failed", "TimeOut", "Cancelled"]
        try await TestWait.until("every action the emulator holds to be final") {
            await server.actions().allSatisfy { final.contains($0.status) }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func refreshReadsTheRealStatusesOf1000ActionsInAHandfulOfListCalls() async throws {
        let emulator = try await EmulatorHarness.start(scale: 600)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("thousand.csv", Self.csv(count: 1000, seed: 1))
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let jobId = try Self.jobId(emulator)
        try await Self.waitUntilFinal(emulator.server)
        let before = await emulator.server.journal().count

        let refresh = try await emulator.mdebatch(["status", jobId, "--refresh"] + Self.loud(emulator)).run()

        #expect(refresh.status == 0, "stdout: \(refresh.stdout)\nstderr: \(refresh.stderr)")
        let calls = await emulator.server.journal().dropFirst(before)
        let lists = calls.filter { $0.path.hasPrefix("/api/machineactions?") }
        let gets = calls.filter { $0.path.hasPrefix("/api/machineactions/") }
        #expect(lists.count >= 1 && lists.count <= 5, "list calls: \(lists.map(\.path))")
        #expect(gets.isEmpty)
        #expect(calls.allSatisfy { $0.status == 200 })
        // The state file now holds the emulator's status of every action.
        let real = Dictionary(uniqueKeysWithValues: await emulator.server.actions().map { ($0.id, $0.status) })
        let rows = try StateStore.open(path: emulator.statePath).rows(jobId: jobId, afterId: 0, limit: 10_000)
        #expect(rows.count == 1000)
        #expect(rows.allSatisfy { row in row.actionId.flatMap { real[$0] } == row.actionStatus })
        #expect(Set(rows.compactMap(\.actionStatus)) == ["Succeeded", "Failed", "TimeOut"])
        #expect(refresh.stdout.contains("(0 open, 1000 final)"))
        #expect(refresh.stdout.contains("800 Succeeded, 100 Failed, 100 TimeOut"))
    }

    @Test(.timeLimit(.minutes(2)))
    func watchRefreshesUntilEveryActionIsFinal() async throws {
        // Pending 30 s + InProgress 60 s of emulator time: 3 real seconds at scale 30.
        let emulator = try await EmulatorHarness.start(scale: 30)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("watch.csv", Self.csv(count: 60, seed: 2))
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let jobId = try Self.jobId(emulator)

        let watch = try await emulator.mdebatch(["status", jobId, "--watch", "--interval", "10s"] + Self.loud(emulator)).run()

        #expect(watch.status == 0, "stdout: \(watch.stdout)\nstderr: \(watch.stderr)")
        #expect(watch.stderr.contains("\(jobId) round 1:"))
        #expect(watch.stderr.contains("\(jobId) round 2:"))
        #expect(watch.stderr.contains("; 0 of 60 open."))
        #expect(watch.stdout.contains("(0 open, 60 final)"))
        let real = Dictionary(uniqueKeysWithValues: await emulator.server.actions().map { ($0.id, $0.status) })
        let rows = try StateStore.open(path: emulator.statePath).rows(jobId: jobId, afterId: 0, limit: 100)
        #expect(rows.allSatisfy { row in row.actionId.flatMap { real[$0] } == row.actionStatus })
    }

    @Test(.timeLimit(.minutes(1)))
    func ctrlCStopsAWatchWith75AndKeepsWhatItRead() async throws {
        let emulator = try await EmulatorHarness.start(scale: 1)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("sigint.csv", Self.csv(count: 3, seed: 3))
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let jobId = try Self.jobId(emulator)

        let (process, out, err) = try emulator.mdebatch(["status", jobId, "--watch", "--interval", "1m"] + Self.loud(emulator))
            .start()
        // Wait for the first round to be read, then interrupt the wait for the second.
        var polls = 0
        while polls < 100, await emulator.server.journal().filter({ $0.path.hasPrefix("/api/machineactions?") }).isEmpty {
            polls += 1
            try await Task.sleep(for: .milliseconds(50))
        }
        // The first round is stored once the state file says when statuses were last read.
        try await TestWait.until("the first round is stored") {
            let status = try? await emulator.mdebatch(["status", jobId, "--json", "--state", emulator.statePath]).run()
            return status.flatMap { try? JSONDecoder().decode(JSONDocuments.Status.self, from: Data($0.stdout.utf8)) }?
                .summary.lastStatusRefresh != nil
        }
        kill(process.processIdentifier, SIGINT)
        let result = await CLIProcess.finish(process, out, err)

        #expect(result.status == 75, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stderr.contains("round 1:"))
        #expect(result.stderr.contains("Status refresh stopped: interrupted by a signal."))
        #expect(result.stdout.contains("3 Pending (3 open, 0 final)"))
        #expect(result.stdout.contains("(last refresh)"))
    }

    @Test(.timeLimit(.minutes(2)))
    func reportsParseBackAndMatchTheStateFile() async throws {
        let emulator = try await EmulatorHarness.start(scale: 600)
        defer { Task { await emulator.stop() } }
        var csv = Self.csv(count: 200, seed: 4)
        let unknown = "deadbeef" + String(repeating: "0", count: 32)
        csv += "\(unknown),\(String(repeating: "ab", count: 20)),\"=cmd|' /C calc'!A0, \"\"quoted\"\"\"\n"
        csv += "\(unknown),\(String(repeating: "e", count: 64)),bad hash\n"
        let input = try emulator.folder.write("mixed.csv", csv)
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 1, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
        let jobId = try Self.jobId(emulator)
        let state = try StateStore.open(path: emulator.statePath)
        let rows = try state.rows(jobId: jobId, afterId: 0, limit: 1000)
        #expect(rows.count == 202)

        // CSV, read back with Python's csv module.
        let csvPath = emulator.folder.path("report.csv")
        let csvRun = try await emulator.mdebatch([
            "report", jobId, "--format", "csv", "--output", csvPath, "--state", emulator.statePath,
        ]).run()
        #expect(csvRun.status == 0, "stderr: \(csvRun.stderr)")
        let parsed = try await Self.pythonCSV(csvPath)
        #expect(parsed.first == CSVReportWriter.columns)
        let records = parsed.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(CSVReportWriter.columns, $0)) }
        #expect(records.count == rows.count)
        #expect(records.map { $0["outcome"] } == rows.map(\.outcome.rawValue))
        #expect(records.map { $0["action_id"] } == rows.map { $0.actionId ?? "" })
        #expect(records.map { $0["line"] } == rows.map { String($0.line) })
        let hostile = try #require(records.first { $0["machine_id"] == unknown && $0["outcome"] == "failed" })
        #expect(hostile["comment"] == "'=cmd|' /C calc'!A0, \"quoted\"")
        #expect(hostile["error_code"] == "ResourceNotFound")

        // JSON, read back with JSONDecoder; standard output when no --output is given.
        let jsonRun = try await emulator.mdebatch(["report", jobId, "--format", "json", "--state", emulator.statePath]).run()
        #expect(jsonRun.status == 0, "stderr: \(jsonRun.stderr)")
        let document = try JSONDecoder().decode(ReportDocument.self, from: Data(jsonRun.stdout.utf8))
        #expect(document.job.id == jobId)
        #expect(document.items.count == rows.count)
        #expect(document.items.map(\.outcome) == rows.map(\.outcome.rawValue))
        #expect(document.items.map(\.actionId) == rows.map(\.actionId))
        // The SHA-256 row is looked up, and the emulator knows no such file.
        #expect(document.summary.outcomes == ["submitted": 200, "failed": 1, "file-not-found": 1])
        #expect(document.summary.trackedActions == 200)

        // JSON lines: one item per line.
        let linesRun = try await emulator.mdebatch(["report", jobId, "--format", "jsonl", "--state", emulator.statePath]).run()
        let items = try linesRun.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(ReportItem.self, from: Data($0.utf8))
        }
        #expect(items.map(\.actionId) == rows.map(\.actionId))

        // Markdown: the counts, the failure and the exact cancel command.
        let markdown = try await emulator.mdebatch(["report", jobId, "--format", "markdown", "--state", emulator.statePath]).run()
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("| submitted | 200 |"))
        #expect(markdown.stdout.contains("### `ResourceNotFound`: 1 failed row"))
        #expect(markdown.stdout.contains("### `file-not-found`: 1 file-not-found row"))
        #expect(markdown.stdout.contains("mdebatch cancel \(jobId) --state \(emulator.statePath)"))
    }

    @Test(.timeLimit(.minutes(1)))
    func statusWithoutAJobNamesTheLatestAndAnUnknownJobNamesTheKnownOnes() async throws {
        let emulator = try await EmulatorHarness.start(scale: 600)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("few.csv", Self.csv(count: 4, seed: 5))
        _ = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        let jobId = try Self.jobId(emulator)

        let status = try await emulator.mdebatch(["status", "--state", emulator.statePath]).run()
        #expect(status.status == 0, "stderr: \(status.stderr)")
        #expect(status.stdout.contains("Job \(jobId) (quarantine, complete): the latest job in \(emulator.statePath)"))
        #expect(status.stdout.contains("Rows:    4 submitted"))
        #expect(status.stdout.contains("mdebatch status \(jobId) --refresh --state \(emulator.statePath)"))
        // Offline: nothing was asked of the API.
        let journal = await emulator.server.journal()
        #expect(journal.filter { $0.path.hasPrefix("/api/machineactions") }.isEmpty)

        let unknown = try await emulator.mdebatch(["status", "q-nope", "--state", emulator.statePath]).run()
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("known jobs: \(jobId)"))
        let report = try await emulator.mdebatch(["report", "q-nope", "--state", emulator.statePath]).run()
        #expect(report.status == 64)
    }

    /// Rows of a CSV file as Python's `csv` module reads them.
    static func pythonCSV(_ path: String) async throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))))", path,
        ]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = await onThread { out.fileHandleForReading.readDataToEndOfFile() }
        await onThread { process.waitUntilExit() }
        return try JSONDecoder().decode([[String]].self, from: data)
    }
}

/// The JSON report as a reader decodes it.
struct ReportDocument: Decodable {
    var job: ReportHeader.Job
    var summary: ReportHeader.Summary
    var items: [ReportItem]
}
