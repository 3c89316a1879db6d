import Foundation
import GRDB
import MDEBatchCore
import Testing

/// The state file through the built binary (issue 9, item 2): concurrent first opens, a
/// damaged or newer file (65, named), a full disk (74), and read-only commands that find no
/// state file (they say so and create nothing).
struct StateFileEndToEndTests {
    func mdebatch(_ arguments: [String], in folder: TemporaryFolder) async throws -> CLIProcess.Result {
        try await CLIProcess(arguments: arguments, environment: [:], currentDirectory: folder.url).run()
    }

    @Test(.timeLimit(.minutes(5)))
    func twoProcessesOpeningAFreshStateFileAtOnceBothWork() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let a = try folder.write("a.csv", IncidentRows.csv(count: 20, seed: 1))
        let b = try folder.write("b.csv", IncidentRows.csv(count: 20, seed: 2))
        for attempt in 0..<10 {
            let state = folder.path("fresh-\(attempt)/state.sqlite")
            async let first = mdebatch(["run", a, "--dry-run", "--state", state], in: folder)
            async let second = mdebatch(["run", b, "--dry-run", "--state", state], in: folder)
            let (one, two) = try await (first, second)
            #expect(one.status == 0, "attempt \(attempt): \(one.stderr)")
            #expect(two.status == 0, "attempt \(attempt): \(two.stderr)")
            let jobs = try await mdebatch(["jobs", "--state", state], in: folder)
            #expect(jobs.stdout.split(separator: "\n").count == 3, "attempt \(attempt): \(jobs.stdout)")
        }
    }

    @Test func aFileThatIsNotAStateFileIsExit65NamingIt() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let garbage = try folder.write("garbage.sqlite", String(repeating: "not sqlite at all\n", count: 300))
        for command in [["jobs"], ["status"], ["report"], ["run", Repository.sample("incident-2026-11-21.csv"), "--dry-run"]] {
            let result = try await mdebatch(command + ["--state", garbage], in: folder)
            #expect(result.status == 65, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(garbage), "\(command): \(result.stderr)")
            #expect(!result.stderr.contains("bug"))
        }

        // A real state file with a damaged page: found by a query, still 65 and named.
        let state = folder.path("damaged.sqlite")
        let sample = Repository.sample("incident-2026-11-21.csv")
        #expect(try await mdebatch(["run", sample, "--dry-run", "--state", state], in: folder).status == 0)
        let handle = try #require(FileHandle(forUpdatingAtPath: state))
        let size = try handle.seekToEnd()
        #expect(size > 8192)
        for page in stride(from: UInt64(4096), to: size, by: 4096) {
            try handle.seek(toOffset: page)
            try handle.write(contentsOf: Data(repeating: 0xA5, count: 512))
        }
        try handle.close()
        let damaged = try await mdebatch(["jobs", "--state", state], in: folder)
        #expect(damaged.status == 65, "\(damaged.stderr)")
        #expect(damaged.stderr.contains(state), "\(damaged.stderr)")
    }

    @Test func aStateFileFromANewerVersionIsExit65AndLeftAlone() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let state = folder.path("state.sqlite")
        let sample = Repository.sample("incident-2026-11-21.csv")
        #expect(try await mdebatch(["run", sample, "--dry-run", "--state", state], in: folder).status == 0)
        // What a later mdebatch would leave: a migration this one does not know.
        let queue = try DatabaseQueue(path: state)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-fromTheFuture')")
        }
        try queue.close()

        for command in [["jobs"], ["run", sample, "--dry-run"]] {
            let result = try await mdebatch(command + ["--state", state], in: folder)
            #expect(result.status == 65, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(state) && result.stderr.contains("newer mdebatch"), "\(result.stderr)")
        }
    }

    @Test func aFullDiskWhileWritingStateIsExit74() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let input = try folder.write("big.csv", IncidentRows.csv(count: 3000))
        let state = folder.path("state.sqlite")
        // A file size limit of 64 KB stands in for a full disk: writes past it fail (EFBIG;
        // SIGXFSZ ignored, as the shell leaves it for the binary).
        let script = "trap '' XFSZ; ulimit -f 128; exec \"$0\" \"$@\""
        let process = CLIProcess(
            arguments: ["-c", script, BinaryLocator.mdebatch.path, "run", input, "--dry-run", "--state", state],
            environment: [:], currentDirectory: folder.url, executable: URL(fileURLWithPath: "/bin/sh"))
        let result = try await process.run()
        #expect(result.status == 74, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stderr.contains(state) && result.stderr.contains("free space"), "\(result.stderr)")
        #expect(!result.stderr.contains("bug"))
        // Nothing was lost: with room again, the same command works.
        let again = try await mdebatch(["run", input, "--dry-run", "--state", state], in: folder)
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test(arguments: [["jobs"], ["status"], ["report"], ["report", "q-nothere", "--format", "json"]])
    func readOnlyCommandsWithoutAStateFileSaySoAndCreateNothing(command: [String]) async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let state = folder.path("mistyped/state.sqlite")
        let result = try await mdebatch(command + ["--state", state], in: folder)
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("No state file at '\(state)'"), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)

        // The default state file, unset: the same, and no folder appears under $HOME.
        let home = try TemporaryFolder()
        defer { home.remove() }
        let defaulted = try await CLIProcess(
            arguments: command, environment: ["HOME": home.url.path, "XDG_STATE_HOME": "", "MDEBATCH_STATE": ""],
            currentDirectory: folder.url
        ).run()
        #expect(defaulted.status == 64, "\(defaulted.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: home.url.path).isEmpty)
    }
}
