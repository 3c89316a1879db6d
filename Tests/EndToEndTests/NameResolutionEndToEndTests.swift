import Foundation
import MDEBatchCore
import MDEEmulator
import Testing

/// Device names and SHA-256s, resolved through the API before sending, through the binary
/// against the emulator's inventory (docs/INPUTS.md, "Names and SHA-256").
struct NameResolutionEndToEndTests {
    static let comment = "INC-20261121 hunting"
    /// The default inventory's answers for the sample (docs/EMULATOR.md, "The default inventory").
    static let ambiguous = ["867be8d006a30321b4f16ce8290e0d6448ee0ed1", "51d5fcc06cc02c8c549506694bf7da6f701daa10"]
    static let reimagedNew = "a3eb5217238f37c96a5e055a54e25b5828f6f17f"
    static let mergedSurvivor = "fb2b95df31fe4640bbcd241ec3e579d6b89fdda8"
    static let unknownSHA256 = "af9739a3c14af50a09ce73361d913131657292eb111c1c6f5015f72bde53a6b1"

    static func describe(_ result: CLIProcess.Result) -> String { StoredPlanEndToEndTests.describe(result) }

    /// Requests the emulator received on one of its APIs.
    static func calls(_ server: EmulatorServer, _ api: EmulatorAPI) async -> Int {
        await server.journal().filter { $0.api == api }.count
    }

    @Test(.timeLimit(.minutes(2)))
    func theHuntingExportResolvesAndSubmitsOncePerRowNeverGuessing() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let input = Repository.sample("hunting-export-2026-11-21.csv")
        let report = emulator.folder.path("report.csv")
        let run = try await emulator.mdebatch(["run", input, "--comment", Self.comment, "--report", report] + emulator.flags())
            .run()
        // Complete, with rows that could not be resolved: exit 1.
        #expect(run.status == 1, "\(Self.describe(run))")
        #expect(run.stdout.contains("39 submitted, 3 duplicate, 2 ambiguous-device-name, 1 device-not-found, 3 file-not-found"))
        #expect(run.stdout.contains("Resolved 25 device names (0 known, 1 calls, by name in batches of 25)"), "\(run.stdout)")

        // 25 names in ⌈25/25⌉ + 2 calls at most (here one), one call per SHA-256.
        #expect(await Self.calls(emulator.server, .listMachines) == 1)
        #expect(await Self.calls(emulator.server, .getFile) == 6)

        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        #expect(rows.count == 48)
        // Every submitted row has exactly one action, and it is the one the report holds.
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created.count == 39)
        #expect(created.values.allSatisfy { $0 == 1 })
        let submitted = rows.filter { $0["outcome"] == "submitted" }
        #expect(Set(submitted.map { "\($0["machine_id"]!)|\($0["sha1"]!)" }) == Set(created.keys))
        #expect(Set(submitted.compactMap { $0["action_id"] }) == Set(await emulator.server.actions().map(\.id)))
        // What the user gave is kept beside what it resolved to.
        #expect(submitted.allSatisfy { !($0["device_name"] ?? "").isEmpty && ($0["input_hash"] ?? "").count == 64 })
        #expect(!Set(submitted.map { $0["machine_id"]! }).contains(where: Self.ambiguous.contains))
        #expect(submitted.contains { $0["device_name"]?.lowercased() == "ws-210" && $0["machine_id"] == Self.reimagedNew })
        #expect(submitted.contains { $0["device_name"]?.lowercased() == "ws-211" && $0["machine_id"] == Self.mergedSurvivor })
        // Never a guess: the ambiguous name, the unknown name and the unknown file are outcomes.
        let ambiguousRows = rows.filter { $0["outcome"] == "ambiguous-device-name" }
        #expect(ambiguousRows.count == 2)
        #expect(ambiguousRows.allSatisfy { row in Self.ambiguous.allSatisfy { row["error_message"]!.contains($0) } })
        #expect(rows.filter { $0["outcome"] == "device-not-found" }.map { $0["device_name"] } == ["ws-299"])
        #expect(rows.filter { $0["outcome"] == "file-not-found" }.allSatisfy { $0["input_hash"] == Self.unknownSHA256 })

        // The JSON report lists the candidates; the Markdown report shows them for the ticket.
        let json = try await emulator.mdebatch(["report", "--format", "json", "--state", emulator.statePath]).run()
        let document = try JSONDecoder().decode(ReportDocument.self, from: Data(json.stdout.utf8))
        let candidates = document.items.filter { $0.outcome == "ambiguous-device-name" }.map {
            Set($0.candidates.map(\.machineId))
        }
        #expect(candidates == [Set(Self.ambiguous), Set(Self.ambiguous)])
        let markdown = try await emulator.mdebatch(["report", "--format", "markdown", "--state", emulator.statePath]).run()
        #expect(markdown.stdout.contains("## Device names that match several devices"))
        #expect(markdown.stdout.contains(Self.ambiguous[0]) && markdown.stdout.contains(Self.ambiguous[1]))

        // Running it again finds the job complete and sends nothing; a second job on the same
        // target resolves from the state file with no lookup at all.
        let again = try await emulator.mdebatch(["run", input, "--comment", Self.comment] + emulator.flags()).run()
        #expect(again.status == 1, "\(Self.describe(again))")
        #expect(await Self.calls(emulator.server, .listMachines) == 1)
        let copy = try emulator.folder.write("copy.csv", try String(contentsOfFile: input, encoding: .utf8) + "\n")
        let second = try await emulator.mdebatch(["run", copy, "--comment", Self.comment] + emulator.flags()).run()
        #expect(second.status == 1, "\(Self.describe(second))")
        #expect(second.stdout.contains("Resolved 25 device names (25 known, 0 calls"), "\(second.stdout)")
        #expect(await Self.calls(emulator.server, .listMachines) == 1)
        #expect(await Self.calls(emulator.server, .getFile) == 6)
        // Its rows were all sent by the first job: none is sent again.
        #expect(second.stdout.contains("39 already-submitted"), "\(second.stdout)")
        #expect(await RunEndToEndTests.createdPerKey(emulator.server).count == 39)
    }

    @Test(.timeLimit(.minutes(2)))
    func allMatchesSendsToEveryCandidateAndNoResolveRefusesNames() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let sha1 = "aa08856147432f6fb98286586edaccd26fc77bff"
        let input = try emulator.folder.write("two.csv", "DeviceName,SHA1,Comment\nws-212,\(sha1),INC ambiguous\n")
        let strict = try await emulator.mdebatch(["run", input, "--no-resolve"] + emulator.flags()).run()
        #expect(strict.status == 65, "\(Self.describe(strict))")
        #expect(strict.stderr.contains("has no machine id column"), "\(Self.describe(strict))")

        let run = try await emulator.mdebatch(["run", input, "--all-matches"] + emulator.flags()).run()
        #expect(run.status == 0, "\(Self.describe(run))")
        #expect(run.stdout.contains("2 submitted"), "\(run.stdout)")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(created == Dictionary(uniqueKeysWithValues: Self.ambiguous.map { ("\($0)|\(sha1)", 1) }))
        // --all-matches shapes what the job sends: the same file without it is a conflict while it has open rows,
        // and complete, it leaves room for a new job (which then finds both sent already).
        let plain = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(plain.status == 1, "\(Self.describe(plain))")
        #expect(plain.stdout.contains("1 ambiguous-device-name"), "\(plain.stdout)")
        #expect(await RunEndToEndTests.createdPerKey(emulator.server).count == 2)
    }

    @Test(.timeLimit(.minutes(2)))
    func manyNamesCostOneSweepOrBatchesWithinTheBound() async throws {
        // 150 devices named host-000…host-149; 120 of them in the input.
        let machines = (0..<150).map { index in
            InventoryMachine(
                id: String(format: "%040x", 0xC0FF_EE00 + index),
                computerDnsName: String(format: "host-%03d.corp.example", index),
                lastSeen: .ago(hours: 1))
        }
        let emulator = try await EmulatorHarness.start(scale: 60, inventory: Inventory(machines: machines))
        defer { Task { await emulator.stop() } }
        let sha1 = String(repeating: "ab", count: 20)
        let rows = (0..<120).map { String(format: "host-%03d,%@,INC many", $0, sha1) }
        let input = try emulator.folder.write("many.csv", "DeviceName,SHA1,Comment\n" + rows.joined(separator: "\n") + "\n")
        let run = try await emulator.mdebatch(["run", input] + emulator.flags()).run()
        #expect(run.status == 0, "\(Self.describe(run))")
        // ⌈120/25⌉ + 2 = 7 calls at most; a fleet of 150 is one page of the inventory.
        let calls = await Self.calls(emulator.server, .listMachines)
        #expect(calls <= 7)
        #expect(calls == 1, "expected one sweep page, got \(calls) calls")
        #expect(run.stdout.contains("by one inventory sweep"), "\(run.stdout)")
        #expect(await RunEndToEndTests.createdPerKey(emulator.server).count == 120)

        // 30 new names are two batches; the sweep taught the state file the fleet is one
        // page, so one sweep is cheaper, and chosen.
        let more = (120..<150).map { String(format: "host-%03d,%@,INC more", $0, sha1) }
        let second = try emulator.folder.write("more.csv", "DeviceName,SHA1,Comment\n" + more.joined(separator: "\n") + "\n")
        let swept = try await emulator.mdebatch(["run", second] + emulator.flags()).run()
        #expect(swept.status == 0, "\(Self.describe(swept))")
        #expect(swept.stdout.contains("by one inventory sweep"), "\(swept.stdout)")
        #expect(await Self.calls(emulator.server, .listMachines) == 1 + 1)
        #expect(await RunEndToEndTests.createdPerKey(emulator.server).count == 150)

        // On a state file that knows nothing of the fleet, two batches are the cheaper bet.
        let fresh = emulator.folder.path("fresh.sqlite")
        let batched = try await emulator.mdebatch(["run", second] + emulator.flags() + ["--state", fresh]).run()
        #expect(batched.status == 0, "\(Self.describe(batched))")
        #expect(batched.stdout.contains("by name in batches of 25"), "\(batched.stdout)")
        #expect(await Self.calls(emulator.server, .listMachines) == 2 + 2)
    }

    @Test(.timeLimit(.minutes(2)))
    func targetsOutputFeedsRunUnchanged() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        // A SHA-256 of the sample's first file: resolved to its SHA-1, then its devices listed.
        let sha256 = "b5049a400b84a565501229a263c901a4d75ceeb819c4e9f4163a89f9ca649d45"
        let sha1 = "aa08856147432f6fb98286586edaccd26fc77bff"
        let output = emulator.folder.path("targets.csv")
        let targets = try await emulator.mdebatch(
            ["targets", sha256.uppercased(), "--output", output, "--comment", "INC-4711 invoice dropper"] + emulator.flags()
        ).run()
        #expect(targets.status == 0, "\(Self.describe(targets))")
        #expect(await Self.calls(emulator.server, .getFile) == 1)
        #expect(await Self.calls(emulator.server, .listFileMachines) == 1)
        let listed = try ReportCSV.parse(String(contentsOfFile: output, encoding: .utf8))
        #expect(!listed.isEmpty)
        #expect(listed.allSatisfy { $0["sha1"] == sha1 && $0["comment"] == "INC-4711 invoice dropper" })
        #expect(Set(listed.map { $0["machine_id"]! }).count == listed.count)

        let run = try await emulator.mdebatch(["run", output] + emulator.flags()).run()
        #expect(run.status == 0, "\(Self.describe(run))")
        let created = await RunEndToEndTests.createdPerKey(emulator.server)
        #expect(Set(created.keys) == Set(listed.map { "\($0["machine_id"]!)|\(sha1)" }))
        #expect(created.values.allSatisfy { $0 == 1 })
        // The lookups are recorded under the target's lookup job, which has nothing to resume.
        let jobs = try await emulator.mdebatch(["jobs", "--state", emulator.statePath]).run()
        let lookup = try #require(CancelEndToEndTests.jobId(jobs.stdout, kind: "l"), "\(jobs.stdout)")
        let resume = try await emulator.mdebatch(["resume", lookup, "--state", emulator.statePath]).run()
        #expect(resume.status == 64)
        // An MD5 is refused before any call.
        let md5 = try await emulator.mdebatch(["targets", String(repeating: "d", count: 32)] + emulator.flags()).run()
        #expect(md5.status == 64)
        #expect(md5.stderr.contains("MD5"), "\(Self.describe(md5))")
    }

    @Test(.timeLimit(.minutes(2)))
    func validateCountsWhatResolutionCostsAndRefreshNamesLooksUpAgain() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let input = Repository.sample("hunting-export-2026-11-21.csv")
        let validate = try await emulator.mdebatch(["validate", input, "--comment", Self.comment, "--json"]).run()
        #expect(validate.status == 0, "\(Self.describe(validate))")
        let document = try JSONDecoder().decode(JSONDocuments.Validation.self, from: Data(validate.stdout.utf8))
        #expect(document.valid == 45)
        #expect(document.toResolve == 45)
        #expect(document.deviceNames == 25)
        #expect(document.sha256s == 6)
        #expect(document.resolutionCalls == ["ListMachines": 3, "GetFile": 6])
        #expect(await Self.calls(emulator.server, .listMachines) == 0, "validate is offline")

        let first = try await emulator.mdebatch(["run", input, "--comment", Self.comment] + emulator.flags()).run()
        #expect(first.status == 1, "\(Self.describe(first))")
        let copy = try emulator.folder.write("copy.csv", try String(contentsOfFile: input, encoding: .utf8) + "\n")
        let refreshed = try await emulator.mdebatch(
            ["run", copy, "--comment", Self.comment, "--refresh-names"] + emulator.flags()
        )
        .run()
        #expect(refreshed.status == 1, "\(Self.describe(refreshed))")
        #expect(refreshed.stdout.contains("Resolved 25 device names (0 known, 1 calls"), "\(refreshed.stdout)")
        // Names are looked up again; the SHA-256s' SHA-1s are kept for good.
        #expect(await Self.calls(emulator.server, .listMachines) == 2)
        #expect(await Self.calls(emulator.server, .getFile) == 6)
    }
}
