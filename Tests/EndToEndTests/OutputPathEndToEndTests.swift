import Foundation
import MDEBatchCore
import MDEEmulator
import Testing

/// `--report` and `--output` paths through the built binary (issue 9, item 1): checked before
/// the first request, `-` is standard output, devices and FIFOs are written in place, links
/// are written through, reports are 0600.
@Suite(.serialized)
struct OutputPathEndToEndTests {
    static func sends(_ emulator: EmulatorHarness) async -> Int {
        await emulator.server.journal().filter { $0.path.contains("StopAndQuarantineFile") }.count
    }

    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    static func jobId(_ emulator: EmulatorHarness) throws -> String {
        try #require(try StateStore.open(path: emulator.statePath).jobs().first?.id)
    }

    @Test(arguments: [("folder", "is a folder"), ("missing/r.csv", "does not exist"), ("plain.txt/r.csv", "is not a folder")])
    func aBadReportPathIsAUsageErrorBeforeAnythingIsSent(path: String, message: String) async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        try FileManager.default.createDirectory(atPath: emulator.folder.path("folder"), withIntermediateDirectories: true)
        _ = try emulator.folder.write("plain.txt", "x")
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 5))
        let report = emulator.folder.path(path)

        for _ in 0..<2 {  // and again on a re-run: never "This is a bug"
            let run = try await emulator.mdebatch(["run", input, "--report", report] + emulator.flags()).run()
            #expect(run.status == 64, "stdout: \(run.stdout)\nstderr: \(run.stderr)")
            #expect(run.stderr.contains(report) && run.stderr.contains(message), "\(run.stderr)")
            #expect(!run.stderr.contains("bug"))
        }
        #expect(await Self.sends(emulator) == 0)

        // The job stored the path it was made with; a good one for this run sends it all.
        let good = emulator.folder.path("good.csv")
        let ok = try await emulator.mdebatch(["run", input, "--report", good] + emulator.flags()).run()
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: good))
        // `report --output` checks its path the same way.
        let job = try Self.jobId(emulator)
        let again = try await emulator.mdebatch(["report", job, "--output", report, "--state", emulator.statePath]).run()
        #expect(again.status == 64, "\(again.stderr)")
        #expect(again.stderr.contains(message))
    }

    @Test func dashIsStandardOutputAndCreatesNoFile() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 4))
        let run = try await emulator.mdebatch(["run", input, "--report", "-"] + emulator.flags()).run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasPrefix("job,source,line,machine_id,sha1"), "\(run.stdout)")
        #expect(run.stdout.components(separatedBy: "\r\n").filter { $0.contains(",submitted,") }.count == 4)
        // The summary goes to standard error, so standard output is the CSV alone.
        #expect(run.stderr.contains("complete"))
        let job = try Self.jobId(emulator)
        for output in ["-", "/dev/stdout"] {
            let report = try await emulator.mdebatch(["report", job, "--output", output, "--state", emulator.statePath]).run()
            #expect(report.status == 0, "\(report.stderr)")
            #expect(report.stdout.hasPrefix("job,source,line,machine_id,sha1"))
        }
        #expect(!FileManager.default.fileExists(atPath: emulator.folder.path("-")))
        #expect(Self.fileType("/dev/stdout") == S_IFLNK)
    }

    @Test(.timeLimit(.minutes(2)))
    func aFIFOAndADeviceAreWrittenInPlace() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 3))
        let fifo = emulator.folder.path("report.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Reads whatever the binary writes into the FIFO, on a thread of its own.
        async let received = onThread { FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data() }
        let run = try await emulator.mdebatch(["run", input, "--report", fifo] + emulator.flags()).run()
        if run.status != 0 {
            // Unblock the reader so the test ends.
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
        }
        let text = String(decoding: await received, as: UTF8.self)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(text.hasPrefix("job,source,line"))
        #expect(text.components(separatedBy: "\r\n").filter { $0.contains(",submitted,") }.count == 3)
        #expect(Self.fileType(fifo) == S_IFIFO)

        // A null device node made here (never the system's): still a device afterwards.
        let null = emulator.folder.path("null")
        #expect(mknod(null, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
        let job = try Self.jobId(emulator)
        let toNull = try await emulator.mdebatch(["report", job, "--output", null, "--state", emulator.statePath]).run()
        #expect(toNull.status == 0, "\(toNull.stderr)")
        #expect(Self.fileType(null) == S_IFCHR)

        // A full device: the write fails with ENOSPC, which is an I/O error (74), not a bug.
        let full = emulator.folder.path("full")
        #expect(mknod(full, S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0)
        let toFull = try await emulator.mdebatch(["report", job, "--output", full, "--state", emulator.statePath]).run()
        #expect(toFull.status == 74, "\(toFull.stderr)")
        #expect(toFull.stderr.contains("free space"))
        #expect(!toFull.stderr.contains("bug"))
        #expect(Self.fileType(full) == S_IFCHR)
    }

    @Test func reportsAre0600AndASymlinkIsWrittenThrough() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 2))
        let target = try emulator.folder.write("real.csv", "old\n")
        #expect(chmod(target, 0o644) == 0)
        let link = emulator.folder.path("link.csv")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        let run = try await emulator.mdebatch(["run", input, "--report", link] + emulator.flags()).run()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(Self.fileType(link) == S_IFLNK)
        let text = try String(contentsOfFile: target, encoding: .utf8)
        #expect(text.hasPrefix("job,source,line"))
        let mode = try #require(FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? NSNumber)
        #expect(mode.intValue & 0o777 == 0o600)

        // The default report, new: 0600 too.
        let job = try Self.jobId(emulator)
        let fresh = emulator.folder.path("fresh.md")
        let report = try await emulator.mdebatch([
            "report", job, "--format", "markdown", "--output", fresh, "--state", emulator.statePath,
        ]).run()
        #expect(report.status == 0, "\(report.stderr)")
        let freshMode = try #require(FileManager.default.attributesOfItem(atPath: fresh)[.posixPermissions] as? NSNumber)
        #expect(freshMode.intValue & 0o777 == 0o600)

        // A link to nothing is refused: a planted link cannot make the tool create a file elsewhere.
        let dangling = emulator.folder.path("dangling.csv")
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: emulator.folder.path("nowhere/x.csv"))
        let refused = try await emulator.mdebatch(["report", job, "--output", dangling, "--state", emulator.statePath]).run()
        #expect(refused.status == 64, "\(refused.stderr)")
        #expect(refused.stderr.contains("symbolic link"))
    }

    @Test func aFolderWhereNoFileCanBeCreatedIsAUsageError() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let locked = folder.path("locked")
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        #expect(chmod(locked, 0o555) == 0)
        #expect(chmod(folder.url.path, 0o755) == 0)
        let arguments = ["report", "--output", locked + "/r.csv", "--state", folder.path("state.sqlite")]
        // Root may write anywhere: run as nobody to see the folder's permissions count.
        let asRoot = getuid() == 0
        let process = CLIProcess(
            arguments: asRoot
                ? ["--reuid=65534", "--regid=65534", "--clear-groups", BinaryLocator.mdebatch.path] + arguments : arguments,
            environment: [:], currentDirectory: folder.url, executable: asRoot ? URL(fileURLWithPath: "/usr/bin/setpriv") : nil)
        let result = try await process.run()
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("Cannot write") && result.stderr.contains(locked), "\(result.stderr)")
    }
}
