import Foundation
import MDEEmulator
import Testing

/// The job is the plan (docs/ARCHITECTURE.md): the four ways a job used to break when the
/// user did not type the same flags twice, each end to end against live emulators.
@Suite(.serialized)
struct StoredPlanEndToEndTests {
    static func describe(_ result: CLIProcess.Result) -> String {
        "status \(result.status)\nstdout: \(result.stdout)\nstderr: \(result.stderr)"
    }

    /// The command after `Resume with: ` in a summary, split into words (the tool quotes
    /// only words that need it; these never do).
    static func resumeCommand(_ stdout: String) -> [String]? {
        guard let line = stdout.split(separator: "\n").first(where: { $0.hasPrefix("Resume with: ") }) else { return nil }
        return line.dropFirst("Resume with: ".count).split(separator: " ").map(String.init)
    }

    @Test(.timeLimit(.minutes(3)))
    func thePrintedResumeCommandKeepsTheCommentsAndSendsNothingTwice() async throws {
        let emulator = try await EmulatorHarness.start(
            scale: 60, faults: [try FaultRule(parsing: "drop-after:0.25")], seed: 11)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 120, seed: 9)
        let input = try emulator.folder.write("tagless.csv", csv)
        let first = try await emulator.mdebatch(
            ["run", input, "--no-comment-tag", "--visibility-delay", "1s", "--max-requests", "60", "--concurrency", "4"]
                + emulator.flags()
        ).run()
        #expect(first.status == 75, "\(Self.describe(first))")
        let printed = try #require(Self.resumeCommand(first.stdout), "\(Self.describe(first))")
        let job = try #require(CancelEndToEndTests.jobId(first.stderr, kind: "q"))
        // Exactly `mdebatch resume JOB --state PATH`: nothing else needs typing again.
        #expect(printed == ["mdebatch", "resume", job, "--state", emulator.statePath])

        // Run exactly what was printed (the environment holds the credentials).
        let second = try await emulator.mdebatch(Array(printed.dropFirst())).run()
        #expect(second.status == 0, "\(Self.describe(second))")

        let actions = await emulator.server.actions()
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 120)
        #expect(created.filter { $0.value != 1 }.isEmpty, "sent twice: \(created.filter { $0.value != 1 })")
        // Every comment is the row's own, without a tag, before and after the resume.
        let comments = Set(csv.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) })
        #expect(
            actions.allSatisfy { comments.contains($0.requestorComment ?? "") }, "\(actions.map(\.requestorComment).prefix(3))")
        #expect(await emulator.server.journal().contains { $0.fault != nil })
    }

    @Test(.timeLimit(.minutes(3)))
    func aRehearsalOnTheEmbeddedEmulatorNeverHidesTheRealRun() async throws {
        let tenant = try await EmulatorHarness.start(scale: 60)
        defer { Task { await tenant.stop() } }
        let csv = IncidentRows.csv(count: 20, seed: 12)
        let input = try tenant.folder.write("incident.csv", csv)
        let state = tenant.statePath

        let rehearsal = try await CLIProcess(
            arguments: ["run", input, "--emulator", "--state", state, "--quiet"], environment: [:],
            currentDirectory: tenant.folder.url
        ).run()
        #expect(rehearsal.status == 0, "\(Self.describe(rehearsal))")
        #expect(rehearsal.stdout.contains("20 submitted"), "\(Self.describe(rehearsal))")

        // The same file for real (a second emulator stands in for the tenant): a new job.
        let real = try await tenant.mdebatch(["run", input] + tenant.flags()).run()
        #expect(real.status == 0, "\(Self.describe(real))")
        #expect(real.stderr.contains("Created job"), "\(Self.describe(real))")
        #expect(real.stdout.contains("20 submitted"), "\(Self.describe(real))")
        let created = await RunEndToEndTests.createdPerKey(tenant.server)
        #expect(created.count == 20)
        #expect(created.values.allSatisfy { $0 == 1 })
        #expect(Set(created.keys) == RunEndToEndTests.keys(ofCSV: csv))

        // And the rehearsal's own job resumes on its own target, whatever the environment says.
        let jobs = try await tenant.mdebatch(["jobs", "--state", state]).run()
        #expect(jobs.status == 0, "\(Self.describe(jobs))")
        let rehearsalJob = try #require(CancelEndToEndTests.jobId(rehearsal.stderr, kind: "q"))
        let resumed = try await tenant.mdebatch(["resume", rehearsalJob, "--state", state, "--quiet"]).run()
        #expect(resumed.status == 0, "\(Self.describe(resumed))")
        #expect(resumed.stdout.contains("0 requests sent"), "\(Self.describe(resumed))")
        // Its actions ended with its emulator: status says so instead of offering a refresh, which is refused.
        let status = try await tenant.mdebatch(["status", rehearsalJob, "--state", state]).run()
        #expect(status.stdout.contains("a rehearsal's emulator is gone"), "\(Self.describe(status))")
        let refresh = try await tenant.mdebatch(["status", rehearsalJob, "--refresh", "--state", state]).run()
        #expect(refresh.status == 64, "\(Self.describe(refresh))")
        #expect(await RunEndToEndTests.createdPerKey(tenant.server).values.reduce(0, +) == 20)
    }

    /// A bearer token the emulator never issued: every call is answered 401.
    static func foreignToken(tenant: String) -> String {
        func part(_ object: [String: Any]) -> String {
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let claims: [String: Any] = [
            "aud": "https://api.securitycenter.microsoft.com", "tid": tenant,
            "exp": Int(Date().timeIntervalSince1970) + 36_000,
        ]
        return part(["alg": "RS256", "typ": "JWT"]) + "." + part(claims) + ".bm90LXNpZ25lZA"
    }

    @Test(.timeLimit(.minutes(2)))
    func anAuthenticationStopLeavesTheRowsToSendOnceTheCredentialsAreFixed() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 12, seed: 13)
        let input = try emulator.folder.write("auth.csv", csv)
        let wrong = try await CLIProcess(
            arguments: ["run", input] + emulator.flags(),
            environment: ["MDE_ACCESS_TOKEN": Self.foreignToken(tenant: emulator.server.configuration.tenantId)],
            currentDirectory: emulator.folder.url
        ).run()
        #expect(wrong.status == 77, "\(Self.describe(wrong))")
        // A static token cannot be refreshed: the first 401 stops the job (a client secret
        // would have been refreshed once, and stopped after five 401/403 answers).
        let refused = await emulator.server.journal().filter { $0.status == 401 }
        #expect((1...5).contains(refused.count), "\(refused.count) answers 401")
        #expect(await emulator.server.actions().isEmpty)
        let job = try #require(CancelEndToEndTests.jobId(wrong.stderr, kind: "q"))

        // Fixed credentials for the same tenant: resume sends every row, the refused ones too.
        let fixed = try await emulator.mdebatch(["resume", job, "--state", emulator.statePath, "--quiet"]).run()
        #expect(fixed.status == 0, "\(Self.describe(fixed))")
        #expect(fixed.stdout.contains("12 submitted"), "\(Self.describe(fixed))")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 12)
        #expect(created.values.allSatisfy { $0 == 1 })
    }

    @Test(.timeLimit(.minutes(2)))
    func credentialsOfAnotherTenantSendNothing() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("t.csv", IncidentRows.csv(count: 6, seed: 14))
        let first = try await emulator.mdebatch(["run", input, "--max-requests", "2", "--concurrency", "1"] + emulator.flags())
            .run()
        #expect(first.status == 75, "\(Self.describe(first))")
        let job = try #require(CancelEndToEndTests.jobId(first.stderr, kind: "q"))
        let before = await emulator.server.journal().count
        var environment = emulator.environment()
        environment["MDE_TENANT_ID"] = "11111111-1111-4111-8111-111111111111"
        let other = try await CLIProcess(
            arguments: ["resume", job, "--state", emulator.statePath, "--quiet"], environment: environment,
            currentDirectory: emulator.folder.url
        ).run()
        #expect(other.status == 64, "\(Self.describe(other))")
        #expect(other.stderr.contains("11111111-1111-4111-8111-111111111111"), "\(Self.describe(other))")
        #expect(other.stderr.contains(emulator.server.configuration.tenantId), "\(Self.describe(other))")
        #expect(await emulator.server.journal().count == before)

        // A flag that changes what the job sends is refused too, naming the option.
        let tagless = try await emulator.mdebatch(["run", input, "--no-comment-tag"] + emulator.flags()).run()
        #expect(tagless.status == 64, "\(Self.describe(tagless))")
        #expect(tagless.stderr.contains("--no-comment-tag"), "\(Self.describe(tagless))")
        #expect(await emulator.server.journal().count == before)

        // A pacing option overrides the job's for one run, and says so.
        let faster = try await emulator.mdebatch(["resume", job, "--state", emulator.statePath, "--concurrency", "3", "--quiet"])
            .run()
        #expect(faster.status == 0, "\(Self.describe(faster))")
        #expect(faster.stderr.contains("--concurrency 3 (the job's: 1)"), "\(Self.describe(faster))")
    }

    @Test(.timeLimit(.minutes(2)))
    func theSameJobThroughASymlinkedStatePathIsRefusedWhileItRuns() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("slow.csv", IncidentRows.csv(count: 10, seed: 15))
        // One call an hour: the job is still running when the second process starts.
        let (process, out, err) = try emulator.mdebatch(["run", input, "--rate", "1/1h"] + emulator.flags()).start()
        let link = emulator.folder.path("link.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: emulator.statePath)
        // Wait for the first request, so the first process holds the job.
        var waited = 0
        while await emulator.server.journal().filter({ $0.path.contains("StopAndQuarantineFile") }).isEmpty {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
            try #require(waited < 600, "the first process sent nothing")
        }
        let jobs = try await emulator.mdebatch(["jobs", "--state", link]).run()
        let job = try #require(CancelEndToEndTests.jobId(jobs.stdout, kind: "q"), "\(Self.describe(jobs))")
        let second = try await emulator.mdebatch(["resume", job, "--state", link, "--quiet"]).run()
        #expect(second.status == 75, "\(Self.describe(second))")
        #expect(second.stderr.contains("already running"), "\(Self.describe(second))")
        process.interrupt()
        let first = await CLIProcess.finish(process, out, err)
        #expect(first.status == 75, "\(Self.describe(first))")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.values.allSatisfy { $0 == 1 })
    }
}
