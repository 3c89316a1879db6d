import Foundation
import MDEBatchCore
import MDEEmulator
import Testing

/// Dies at every failpoint of both job kinds, resumes, and proves from the emulator that
/// every row has exactly one action (one cancel) and the report holds its id
/// (docs/ARCHITECTURE.md, "Failpoints").
@Suite(.serialized)
struct FailpointEndToEndTests {
    static let quarantinePoints: [String] = [
        Failpoint.name(.stopAndQuarantine, .reserved), Failpoint.name(.stopAndQuarantine, .answered),
        Failpoint.name(.stopAndQuarantine, .recorded), Failpoint.name(.listActions, .reserved),
        Failpoint.name(.listActions, .answered), Failpoint.name(.listActions, .recorded), Failpoint.beforeReport,
    ]
    static let cancelPoints: [String] = [
        Failpoint.name(.cancel, .reserved), Failpoint.name(.cancel, .answered), Failpoint.name(.cancel, .recorded),
        Failpoint.name(.getAction, .reserved), Failpoint.name(.getAction, .answered), Failpoint.name(.getAction, .recorded),
        Failpoint.beforeReport,
    ]

    /// The lookups of the resolution phase (device names, SHA-256s).
    static let resolutionPoints: [String] = [QuotaAPI.listMachines, .getFile].flatMap { api in
        Failpoint.CallPhase.allCases.map { Failpoint.name(api, $0) }
    }
    /// The device list of `mdebatch targets`.
    static let targetsPoints: [String] = Failpoint.CallPhase.allCases.map { Failpoint.name(.listFileMachines, $0) }

    static func describe(_ result: CLIProcess.Result) -> String { StoredPlanEndToEndTests.describe(result) }

    /// The binary with `flags`, armed at `failpoint`.
    static func run(_ emulator: EmulatorHarness, _ arguments: [String], failpoint: String?) async throws -> CLIProcess.Result {
        var environment = emulator.environment()
        if let failpoint { environment[Failpoint.variable] = failpoint }
        return try await CLIProcess(arguments: arguments, environment: environment, currentDirectory: emulator.folder.url).run()
    }

    @Test func everyFailpointIsWalkedByTheMatrix() {
        // A point added to the code but not to a matrix would prove nothing about itself.
        #expect(
            Set(Self.quarantinePoints + Self.cancelPoints + Self.resolutionPoints + Self.targetsPoints) == Set(Failpoint.all))
    }

    @Test(.timeLimit(.minutes(4)), arguments: quarantinePoints)
    func quarantineJobDiesAtAFailpointAndResumesWithOneActionPerRow(_ point: String) async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 6, seed: 31)
        let input = try emulator.folder.write("in.csv", csv)
        let report = emulator.folder.path("report.csv")
        let flags = ["--report", report, "--visibility-delay", "5s", "--concurrency", "2"] + emulator.flags()

        var died: CLIProcess.Result
        if point.hasPrefix(QuotaAPI.listActions.rawValue) {
            // A lookup happens only for a row in doubt: lose a response first.
            let first = try await Self.run(
                emulator, ["run", input] + flags, failpoint: Failpoint.name(.stopAndQuarantine, .answered) + "@3")
            #expect(first.status == Failpoint.exitStatus, "\(Self.describe(first))")
            died = try await Self.run(emulator, ["run", input] + flags, failpoint: point)
        } else {
            died = try await Self.run(
                emulator, ["run", input] + flags, failpoint: point + (point == Failpoint.beforeReport ? "" : "@3"))
        }
        // The failpoint fired: the process died there, with its own status and no summary.
        #expect(died.status == Failpoint.exitStatus, "\(point) did not fire: \(Self.describe(died))")
        #expect(died.stderr.contains("failpoint \(point)"), "\(Self.describe(died))")
        #expect(!died.stdout.contains("Report:"))
        let listed = try await emulator.mdebatch(["jobs", "--state", emulator.statePath]).run()
        let job = try #require(CancelEndToEndTests.jobId(listed.stdout, kind: "q"), "\(Self.describe(listed))")

        let resumed = try await emulator.mdebatch(["resume", job, "--state", emulator.statePath, "--quiet"]).run()
        #expect(resumed.status == 0, "after \(point): \(Self.describe(resumed))")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(Set(created.keys) == RunEndToEndTests.keys(ofCSV: csv), "after \(point)")
        #expect(created.filter { $0.value != 1 }.isEmpty, "after \(point), sent twice: \(created.filter { $0.value != 1 })")
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        let reported = Set(rows.compactMap { $0["action_id"] }.filter { !$0.isEmpty })
        #expect(reported == Set(await emulator.server.actions().map(\.id)), "after \(point)")
    }

    @Test(.timeLimit(.minutes(4)), arguments: cancelPoints)
    func cancelJobDiesAtAFailpointAndResumesWithOneCancelPerAction(_ point: String) async throws {
        // Actions stay open for an hour of emulator time, so every cancel finds them open.
        let emulator = try await EmulatorHarness.start(scale: 60, pendingDuration: .seconds(3600))
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 6, seed: 32))
        let quarantine = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(quarantine.status == 0, "\(Self.describe(quarantine))")
        let parent = try #require(CancelEndToEndTests.jobId(quarantine.stderr, kind: "q"))
        let report = emulator.folder.path("cancel.csv")

        // A cancel in flight when the process died may land after the resume read its action
        // open; the resume waits out the send's time-out before cancelling again. At 60× the
        // default 30 s is half a real second, which a loaded machine can stall the emulator
        // for: 3 min (3 real seconds) keeps the test about the tool, not the machine.
        let died = try await Self.run(
            emulator,
            ["cancel", parent, "--yes", "--report", report, "--concurrency", "2", "--request-timeout", "3m"]
                + emulator.flags(),
            failpoint: point + (point == Failpoint.beforeReport ? "" : "@3"))
        #expect(died.status == Failpoint.exitStatus, "\(point) did not fire: \(Self.describe(died))")
        #expect(died.stderr.contains("failpoint \(point)"), "\(Self.describe(died))")
        let job = try #require(CancelEndToEndTests.jobId(died.stderr, kind: "c"), "\(Self.describe(died))")

        let resumed = try await emulator.mdebatch(["resume", job, "--state", emulator.statePath, "--quiet"]).run()
        #expect(resumed.status == 0, "after \(point): \(Self.describe(resumed))")
        let actions = await emulator.server.actions()
        #expect(actions.count == 6)
        #expect(actions.allSatisfy { $0.status == "Cancelled" }, "after \(point): \(actions.map(\.status))")
        let posts = await CancelEndToEndTests.cancelPosts(emulator.server)
        #expect(Set(posts.keys) == Set(actions.map(\.id)), "after \(point)")
        #expect(posts.values.allSatisfy { $0 == 1 }, "after \(point), cancelled twice: \(posts.filter { $0.value != 1 })")
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(rows.allSatisfy { $0["outcome"] == "cancelled" }, "after \(point): \(rows.map { $0["outcome"] ?? "" })")
        #expect(Set(rows.compactMap { $0["action_id"] }) == Set(actions.map(\.id)))
    }

    @Test(.timeLimit(.minutes(4)), arguments: resolutionPoints)
    func resolutionDiesAtAFailpointAndResumesWithoutRepeatingFinishedLookups(_ point: String) async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let input = Repository.sample("hunting-export-2026-11-21.csv")
        let flags = ["--comment", "INC failpoint"] + emulator.flags()
        // One call looks the 25 names up; the six SHA-256s take one call each: die at the
        // first name lookup, or at the third file lookup.
        let nth = point.hasPrefix(QuotaAPI.getFile.rawValue) ? 3 : 1
        let died = try await Self.run(emulator, ["run", input] + flags, failpoint: "\(point)@\(nth)")
        #expect(died.status == Failpoint.exitStatus, "\(point) did not fire: \(Self.describe(died))")
        #expect(died.stderr.contains("failpoint \(point)"), "\(Self.describe(died))")
        #expect(await RunEndToEndTests.createdPerKey(emulator.server).isEmpty, "nothing is sent before resolution")
        let listed = try await emulator.mdebatch(["jobs", "--state", emulator.statePath]).run()
        let job = try #require(CancelEndToEndTests.jobId(listed.stdout, kind: "q"), "\(Self.describe(listed))")

        let resumed = try await emulator.mdebatch(["resume", job, "--state", emulator.statePath]).run()
        #expect(resumed.status == 1, "after \(point): \(Self.describe(resumed))")
        #expect(resumed.stdout.contains("39 submitted"), "after \(point): \(resumed.stdout)")
        // A lookup whose answer was recorded is never made again; one that left but whose
        // answer was lost (`answered`) is made once more. Nothing else is repeated.
        let repeated = point.hasSuffix(".answered") ? 1 : 0
        let names = await NameResolutionEndToEndTests.calls(emulator.server, .listMachines)
        let files = await NameResolutionEndToEndTests.calls(emulator.server, .getFile)
        #expect(names == 1 + (point.hasPrefix(QuotaAPI.listMachines.rawValue) ? repeated : 0), "after \(point)")
        #expect(files == 6 + (point.hasPrefix(QuotaAPI.getFile.rawValue) ? repeated : 0), "after \(point)")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 39)
        #expect(created.values.allSatisfy { $0 == 1 }, "after \(point), sent twice: \(created.filter { $0.value != 1 })")
    }

    @Test(.timeLimit(.minutes(2)), arguments: targetsPoints)
    func targetsDiesAtAFailpointAndWritesTheSameFileWhenRunAgain(_ point: String) async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let sha1 = "aa08856147432f6fb98286586edaccd26fc77bff"
        let output = emulator.folder.path("targets.csv")
        let died = try await Self.run(emulator, ["targets", sha1, "--output", output] + emulator.flags(), failpoint: point)
        #expect(died.status == Failpoint.exitStatus, "\(point) did not fire: \(Self.describe(died))")
        // Nothing half-written: the output appears only whole.
        #expect(!FileManager.default.fileExists(atPath: output))
        let again = try await emulator.mdebatch(["targets", sha1, "--output", output] + emulator.flags()).run()
        #expect(again.status == 0, "after \(point): \(Self.describe(again))")
        let rows = try ReportCSV.parse(String(contentsOfFile: output, encoding: .utf8))
        #expect(!rows.isEmpty && rows.allSatisfy { $0["sha1"] == sha1 })
    }
}
