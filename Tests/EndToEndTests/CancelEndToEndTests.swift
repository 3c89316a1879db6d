import Foundation
import MDEBatchTestSupport
import MDEEmulator
import Testing

/// `mdebatch cancel` against a live emulator over loopback (docs/REPORTS.md, "mdebatch cancel").
@Suite(.serialized)
struct CancelEndToEndTests {
    /// The first job id of `kind` (`q` or `c`) a command printed.
    static func jobId(_ text: String, kind: String) -> String? {
        let pattern = try! Regex("\\b\(kind)-[a-z0-9]{8}\\b")
        return text.firstMatch(of: pattern).map { String(text[$0.range]) }
    }

    /// Cancel POSTs the emulator received, per action id.
    static func cancelPosts(_ server: EmulatorServer) async -> [String: Int] {
        await server.journal()
            .filter { $0.method == "POST" && $0.path.hasSuffix("/cancel") }
            .reduce(into: [:]) { $0[$1.actionId ?? "", default: 0] += 1 }
    }

    static func describe(_ result: CLIProcess.Result) -> String {
        "status \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
    }

    @Test(.timeLimit(.minutes(2)))
    func cancelJobCancelsOpenActionsOnceAndReportsFinalOnesAsFinal() async throws {
        // An action is open for 600 emulator seconds, 10 real seconds at 60×: long enough for
        // the second run and the cancel on a loaded machine (4.5 s was not, beside a build).
        let emulator = try await EmulatorHarness.start(scale: 60, pendingDuration: .seconds(540))
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 8, seed: 21))
        let first = try await emulator.mdebatch(["run", input, "--max-requests", "3", "--concurrency", "1"] + emulator.flags())
            .run()
        #expect(first.status == 75, "\(Self.describe(first))")
        let quarantine = try #require(Self.jobId(first.stderr, kind: "q"))
        // Let the first three actions finish (polled, whatever the machine's load), then submit the rest.
        try await TestWait.until("the first three actions finish") {
            await emulator.server.actions().filter { $0.status == "Succeeded" }.count == 3
        }
        let second = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(second.status == 0, "\(Self.describe(second))")
        let earlyIds = Set(await emulator.server.actions().filter { $0.status == "Succeeded" }.map(\.id))
        #expect(earlyIds.count == 3)

        let report = emulator.folder.path("cancel.csv")
        let cancel = try await emulator.mdebatch(["cancel", quarantine, "--yes", "--report", report] + emulator.flags()).run()
        #expect(cancel.status == 0, "\(Self.describe(cancel))")
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(rows.count == 8)
        for row in rows {
            let id = try #require(row["action_id"])
            if earlyIds.contains(id) {
                #expect(row["outcome"] == "already-final", "\(row)")
                #expect(row["action_status"] == "Succeeded")
                #expect(row["http_status"] == "400")
            } else {
                #expect(row["outcome"] == "cancelled", "\(row)")
                #expect(row["action_status"] == "Cancelled")
            }
        }
        let actions = await emulator.server.actions()
        #expect(actions.filter { $0.status == "Cancelled" }.count == 5)
        // Exactly one cancel per action, final ones included (the state did not know they were final).
        let posts = await Self.cancelPosts(emulator.server)
        #expect(posts == Dictionary(uniqueKeysWithValues: actions.map { ($0.id, 1) }))
        #expect(cancel.stdout.contains("5 cancelled, 3 already-final"), "\(cancel.stdout)")
        // `jobs` and `status` count the cancel job by its own outcomes.
        let jobs = try await emulator.mdebatch(["jobs", "--state", emulator.statePath]).run()
        let cancelLine = try #require(jobs.stdout.split(separator: "\n").first { $0.hasPrefix("c-") })
        let cells = cancelLine.split(separator: " ")
        #expect(cells[1] == "cancel" && cells[2] == "complete" && cells[5] == "8" && cells[6] == "8", "\(jobs.stdout)")
        let status = try await emulator.mdebatch(["status", String(cells[0]), "--state", emulator.statePath]).run()
        #expect(status.stdout.contains("cancelled") && status.stdout.contains("already-final"), "\(status.stdout)")

        // The same command again resumes the same (complete) cancel job: nothing is sent.
        let again = try await emulator.mdebatch(["cancel", quarantine, "--yes", "--report", report] + emulator.flags()).run()
        #expect(again.status == 0, "\(Self.describe(again))")
        #expect(again.stderr.contains("Resuming cancel job \(Self.jobId(cancel.stderr, kind: "c") ?? "?")"))
        #expect(await Self.cancelPosts(emulator.server) == posts)
    }

    @Test(.timeLimit(.minutes(3)))
    func killedAtRandomMomentsTheCancelJobResumesWithoutASecondCancel() async throws {
        // Real time: actions stay open for 90 s, longer than the whole test.
        let emulator = try await EmulatorHarness.start(scale: 1)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("kill.csv", IncidentRows.csv(count: 40, seed: 22))
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "\(Self.describe(run))")
        let quarantine = try #require(Self.jobId(run.stderr, kind: "q"))

        // Four cancels a second: about ten seconds of work, killed at random moments.
        let command = emulator.mdebatch(["cancel", quarantine, "--yes", "--rate", "4/1s"] + emulator.flags())
        var generator = SeededGenerator.fromEnvironment()
        let seed = generator.seed
        var kills = 0
        for _ in 0..<4 {
            let (process, out, err) = try command.start()
            try await Task.sleep(for: .milliseconds(Int.random(in: 400...1500, using: &generator)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            _ = await CLIProcess.finish(process, out, err)
        }
        let final = try await command.run()
        #expect(kills > 0, "seed \(seed) (MDEBATCH_TEST_SEED replays it)")
        #expect(final.status == 0, "seed \(seed): \(Self.describe(final))")
        let actions = await emulator.server.actions()
        #expect(actions.count == 40)
        #expect(actions.allSatisfy { $0.status == "Cancelled" }, "seed \(seed)")
        let posts = await Self.cancelPosts(emulator.server)
        #expect(posts.filter { $0.value != 1 }.isEmpty, "seed \(seed), cancelled twice: \(posts.filter { $0.value != 1 })")
        #expect(Set(posts.keys) == Set(actions.map(\.id)))
        // No cancel was refused as "already final": none was sent again.
        #expect(await emulator.server.journal().filter { $0.path.hasSuffix("/cancel") && $0.status == 400 }.isEmpty)
    }

    @Test(.timeLimit(.minutes(2)))
    func cancelFromTheRunsReportCancelsEveryActionOnce() async throws {
        let emulator = try await EmulatorHarness.start(scale: 1)
        defer { Task { await emulator.stop() } }
        let unknown = "deadbeef" + String(repeating: "0", count: 32)
        let input = try emulator.folder.write(
            "in.csv", IncidentRows.csv(count: 4, seed: 23) + "\(unknown),\(String(repeating: "d", count: 40)),unknown machine\n")
        let runReport = emulator.folder.path("run.csv")
        let run = try await emulator.mdebatch(["run", input, "--report", runReport] + emulator.flags()).run()
        #expect(run.status == 1, "\(Self.describe(run))")

        let report = emulator.folder.path("cancel.csv")
        let cancel = try await emulator.mdebatch(
            ["cancel", "--from-report", runReport, "--yes", "--report", report] + emulator.flags()
        ).run()
        #expect(cancel.status == 0, "\(Self.describe(cancel))")
        #expect(cancel.stdout.contains("1  rows without an action id (skipped)"), "\(cancel.stdout)")
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(rows.count == 4)
        #expect(rows.allSatisfy { $0["outcome"] == "cancelled" && $0["source"] == runReport })
        let actions = await emulator.server.actions()
        #expect(actions.allSatisfy { $0.status == "Cancelled" })
        let posts = await Self.cancelPosts(emulator.server)
        #expect(posts == Dictionary(uniqueKeysWithValues: actions.map { ($0.id, 1) }))
        // The cancel comment carries the cancel job's tag.
        let cancelJob = try #require(Self.jobId(cancel.stderr, kind: "c"))
        #expect(actions.allSatisfy { $0.cancellationComment?.hasSuffix("[mdebatch \(cancelJob)]") == true })

        let again = try await emulator.mdebatch(
            ["cancel", "--from-report", runReport, "--yes", "--report", report] + emulator.flags()
        ).run()
        #expect(again.status == 0, "\(Self.describe(again))")
        #expect(await Self.cancelPosts(emulator.server) == posts)
    }

    @Test(.timeLimit(.minutes(1)))
    func anUnusableReportExits65() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let noColumn = try emulator.folder.write("nocolumn.csv", "machineId,sha1\n\(String(repeating: "1", count: 40)),x\n")
        let result = try await emulator.mdebatch(["cancel", "--from-report", noColumn, "--yes"] + emulator.flags()).run()
        #expect(result.status == 65, "\(Self.describe(result))")
        #expect(result.stderr.contains("no action id column"), "\(result.stderr)")
        #expect(result.stderr.contains("\"machineId\", \"sha1\""))

        let garbage = try emulator.folder.write("garbage.jsonl", "this is not json\nnor this\n")
        let notJSON = try await emulator.mdebatch(["cancel", "--from-report", garbage, "--yes"] + emulator.flags()).run()
        #expect(notJSON.status == 65, "\(Self.describe(notJSON))")

        let missing = try await emulator.mdebatch(
            ["cancel", "--from-report", emulator.folder.path("missing.csv"), "--yes"] + emulator.flags()
        ).run()
        #expect(missing.status == 65, "\(Self.describe(missing))")
        #expect(missing.stderr.contains("does not exist"))
        #expect(await Self.cancelPosts(emulator.server).isEmpty)
    }

    @Test(.timeLimit(.minutes(1)))
    func withoutYesAndWithoutATerminalItIsAUsageErrorAndAnUnknownJobNamesTheKnownOnes() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 2, seed: 24))
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "\(Self.describe(run))")
        let quarantine = try #require(Self.jobId(run.stderr, kind: "q"))

        let noYes = try await emulator.mdebatch(["cancel", quarantine] + emulator.flags()).run()
        #expect(noYes.status == 64, "\(Self.describe(noYes))")
        #expect(noYes.stderr.contains("--yes"))

        let unknown = try await emulator.mdebatch(["cancel", "q-nosuchjb", "--yes"] + emulator.flags()).run()
        #expect(unknown.status == 64, "\(Self.describe(unknown))")
        #expect(unknown.stderr.contains("q-nosuchjb"))
        #expect(unknown.stderr.contains(quarantine), "\(unknown.stderr)")

        // A dry run needs no --yes, makes the job and sends nothing.
        let dry = try await emulator.mdebatch(["cancel", quarantine, "--dry-run"] + emulator.flags()).run()
        #expect(dry.status == 0, "\(Self.describe(dry))")
        #expect(dry.stdout.contains("2  to cancel"), "\(dry.stdout)")
        #expect(await Self.cancelPosts(emulator.server).isEmpty)
    }
}
