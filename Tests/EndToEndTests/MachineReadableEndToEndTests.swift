import Foundation
import MDEBatchCore
import Testing

/// What scripts and dashboards read: `--json` documents, parsed back; shell completions.
@Suite(.serialized)
struct MachineReadableEndToEndTests {
    static func describe(_ result: CLIProcess.Result) -> String { StoredPlanEndToEndTests.describe(result) }

    static func decode<T: Decodable>(_ type: T.Type, _ result: CLIProcess.Result) throws -> T {
        try JSONDecoder().decode(type, from: Data(result.stdout.utf8))
    }

    @Test(.timeLimit(.minutes(2)))
    func validateJobsAndStatusPrintOneJSONDocumentEach() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 5, seed: 41) + "not-a-machine,\(String(repeating: "a", count: 40)),bad row\n"
        let input = try emulator.folder.write("in.csv", csv)

        let validate = try await emulator.mdebatch(["validate", input, "--json"]).run()
        #expect(validate.status == 1, "\(Self.describe(validate))")
        let validation = try Self.decode(JSONDocuments.Validation.self, validate)
        #expect(validation.rows == 6)
        #expect(validation.valid == 5)
        #expect(validation.invalid == ["invalid-machine-id": 1])
        #expect(validation.rejected.map(\.line) == [7])
        #expect(validation.rates == ["100/1m", "1500/1h"])
        #expect(validation.quotaSeconds >= 0)

        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 1, "\(Self.describe(run))")
        let job = try #require(CancelEndToEndTests.jobId(run.stderr, kind: "q"))

        let jobs = try await emulator.mdebatch(["jobs", "--json", "--state", emulator.statePath]).run()
        #expect(jobs.status == 0, "\(Self.describe(jobs))")
        let list = try Self.decode(JSONDocuments.Jobs.self, jobs)
        #expect(list.stateFile == emulator.statePath)
        #expect(list.jobs.map(\.job.id) == [job])
        #expect(list.jobs.first?.summary.outcomes == ["submitted": 5, "invalid": 1])

        let status = try await emulator.mdebatch(["status", job, "--json", "--state", emulator.statePath]).run()
        #expect(status.status == 0, "\(Self.describe(status))")
        let document = try Self.decode(JSONDocuments.Status.self, status)
        #expect(document.job.id == job)
        #expect(document.summary.trackedActions == 5)
        #expect(document.busyDevices.isEmpty)
    }

    /// Output is plain text without a terminal: no escape sequence, colour or cursor motion,
    /// whatever `NO_COLOR` says.
    @Test(.timeLimit(.minutes(1)), arguments: [nil, "1"] as [String?])
    func outputWithoutATerminalIsPlain(noColor: String?) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        var environment = ["HOME": folder.url.path]
        if let noColor { environment["NO_COLOR"] = noColor }
        let result = try await CLIProcess(
            arguments: [
                "run", Repository.sample("incident-2026-11-21-fleet.csv"), "--emulator", "--state", folder.path("s.sqlite"),
            ],
            environment: environment, currentDirectory: folder.url
        ).run()
        #expect(result.status == 1, "\(Self.describe(result))")
        #expect(result.stdout.contains("422 submitted"))
        #expect(
            !result.stdout.contains("\u{1B}") && !result.stderr.contains("\u{1B}"), "escape sequences in \(Self.describe(result))"
        )
        #expect(!result.stderr.contains("\r"), "a live line (carriage returns) without a terminal")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsKnowEveryCommand(shell: String) async throws {
        let result = try await CLIProcess(arguments: ["--generate-completion-script", shell], environment: [:]).run()
        #expect(result.status == 0, "\(Self.describe(result))")
        for word in ["run", "resume", "cancel", "status", "report", "jobs", "validate", "emulator", "visibility-delay"] {
            #expect(result.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }
}
