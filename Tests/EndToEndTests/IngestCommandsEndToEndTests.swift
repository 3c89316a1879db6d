import Foundation
import Testing

/// `validate`, `run --dry-run` and `jobs` as a user runs them, and the bad inputs of issue 2.
struct IngestCommandsEndToEndTests {
    func mdebatch(_ arguments: [String], in folder: TemporaryFolder) async throws -> CLIProcess.Result {
        try await CLIProcess(arguments: arguments, environment: [:], currentDirectory: folder.url).run()
    }

    @Test func validateSummarizesTheSampleForANewcomer() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try await mdebatch(["validate", Repository.sample("incident-2026-11-21.csv")], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("31  valid, to submit"))
        #expect(result.stdout.contains("md5-not-accepted"))
        #expect(result.stdout.contains("incident-2026-11-21.csv:15"))
        #expect(result.stdout.contains("duplicate of"))
        #expect(result.stdout.contains("Quota: 31 actions need under a minute"))
        // The row with a SHA-256 is resolved before sending, and what that costs is said.
        #expect(
            result.stdout.contains(
                "Resolution: 1 rows give a device name or SHA-256, resolved before sending: 1 SHA-256s (1 calls to GET /api/files)"
            ), "\(result.stdout)")
        // validate writes no state.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test func validateGivesTheExactQuotaTimeFor3000Rows() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("big.csv", IncidentRows.csv(count: 3000))
        let result = try await mdebatch(["validate", input], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Quota: 3000 actions need about 1h14m"))
    }

    @Test func dryRunTwiceOnTheSameFileReportsTheSameJob() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let state = folder.path("state.sqlite")
        let sample = Repository.sample("incident-2026-11-21.csv")
        let first = try await mdebatch(["run", sample, "--dry-run", "--state", state], in: folder)
        let second = try await mdebatch(["run", sample, "--dry-run", "--state", state], in: folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(second.status == 0, "\(second.stderr)")
        let id1 = try #require(first.stdout.split(separator: " ").dropFirst().first)
        let id2 = try #require(second.stdout.split(separator: " ").dropFirst().first)
        #expect(id1 == id2)
        #expect(first.stdout.contains("nothing was sent"))
        #expect(second.stderr.contains("Resuming job \(id1)"))
        let jobs = try await mdebatch(["jobs", "--state", state], in: folder)
        #expect(jobs.stdout.split(separator: "\n").count == 2)
        #expect(jobs.stdout.contains(String(id1)))
        let mode = try #require(FileManager.default.attributesOfItem(atPath: state)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)
    }

    @Test(arguments: [
        ("empty.csv", "", "is empty"),
        ("no-sha.csv", "DeviceId,Hash,Note\n\(String(repeating: "a", count: 40)),x,y\n", "\"Hash\""),
        ("garbage.csv", "\u{0}\u{1}\u{2}PK\u{3}\u{4}binary", "does not look like a text file"),
    ])
    func unusableInputIsExit65WithAClearMessage(name: String, content: String, message: String) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write(name, content)
        let state = folder.path("state.sqlite")
        let validate = try await mdebatch(["validate", input], in: folder)
        #expect(validate.status == 65)
        #expect(validate.stdout.contains(message) || validate.stderr.contains(message), "\(validate.stdout)\(validate.stderr)")
        let run = try await mdebatch(["run", input, "--dry-run", "--state", state], in: folder)
        #expect(run.status == 65)
        #expect(run.stderr.contains(name))
        // Nothing half-ingested: no job was written.
        let jobs = try await mdebatch(["jobs", "--state", state], in: folder)
        #expect(jobs.stdout.contains("No jobs"))
    }

    @Test func badRowsAreReportedWithFileAndLineAndNeverStopTheRowsAfterThem() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let good = String(repeating: "a", count: 40)
        let huge = String(repeating: "x", count: 2 * 1024 * 1024)
        var bytes = Data("DeviceId,SHA1,Comment\n\(good),\(String(repeating: "1", count: 40)),ok\n".utf8)
        bytes += Data("\(good),\(String(repeating: "2", count: 40)),\(huge)\n".utf8)
        bytes += Data("\(good),\(String(repeating: "3", count: 40)),bad ".utf8) + Data([0xFF, 0xFE]) + Data("\n".utf8)
        bytes += Data("\(good),\(String(repeating: "4", count: 40)),after the bad ones\n".utf8)
        bytes += Data("\(good),\(String(repeating: "5", count: 40)),\"unbalanced quote at the end\n".utf8)
        let input = folder.path("bad-rows.csv")
        try bytes.write(to: URL(fileURLWithPath: input))
        let result = try await mdebatch(["validate", input], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("2  valid"))
        #expect(result.stdout.contains("bad-rows.csv:3  row-too-long"))
        #expect(result.stdout.contains("bad-rows.csv:4  invalid-encoding"))
        #expect(result.stdout.contains("bad-rows.csv:6  malformed-row"))
    }

    @Test func missingCredentialsAreNamedBeforeAnythingIsSent() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("a.csv", IncidentRows.csv(count: 2))
        let result = try await CLIProcess(
            arguments: ["run", input, "--state", folder.path("s.sqlite"), "--api-base", "http://127.0.0.1:9"],
            environment: ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c"], currentDirectory: folder.url
        ).run()
        #expect(result.status == 77)
        #expect(result.stderr.contains("MDE_CLIENT_SECRET"))
    }

    @Test func plainHTTPIsRefusedExceptOnLoopback() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("a.csv", IncidentRows.csv(count: 2))
        let result = try await mdebatch(
            ["run", input, "--state", folder.path("s.sqlite"), "--api-base", "http://api.example.com"], in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("http://api.example.com"))
    }

    @Test func unknownJobNamesTheKnownOnes() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let state = folder.path("state.sqlite")
        let dry = try await mdebatch(
            ["run", Repository.sample("incident-2026-11-21.csv"), "--dry-run", "--state", state], in: folder)
        let id = try #require(dry.stdout.split(separator: " ").dropFirst().first)
        let result = try await mdebatch(["resume", "q-nope", "--state", state], in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("q-nope"))
        #expect(result.stderr.contains(String(id)))
    }
}
