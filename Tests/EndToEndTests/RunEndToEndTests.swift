import Foundation
import MDEBatchTestSupport
import MDEEmulator
import Testing

/// The built `mdebatch` binary against a live emulator over loopback (docs/DEVELOPMENT.md, "Test layout").
@Suite(.serialized)
struct RunEndToEndTests {
    /// Actions the emulator holds per (machineId, sha1), whether or not their response
    /// ever reached the client.
    static func createdPerKey(_ server: EmulatorServer) async -> [String: Int] {
        var counts: [String: Int] = [:]
        for action in await server.actions() where action.type == "StopAndQuarantineFile" {
            counts["\(action.machineId)|\(action.relatedFileInfo?.fileIdentifier ?? "")", default: 0] += 1
        }
        return counts
    }

    static func keys(ofCSV csv: String) -> Set<String> {
        Set(
            csv.split(separator: "\n").dropFirst().map { line in
                let cells = line.split(separator: ",")
                return "\(cells[0])|\(cells[1])"
            })
    }

    @Test(.timeLimit(.minutes(2)))
    func mixedInputEndsWithTheRightOutcomePerRow() async throws {
        let emulator = try await EmulatorHarness.start()
        let ok1 = String(repeating: "1", count: 40)
        let ok2 = String(repeating: "2", count: 40)
        let sha = String(repeating: "ab", count: 20)
        let sha2 = String(repeating: "cd", count: 20)
        let unknown = "deadbeef" + String(repeating: "0", count: 32)
        let forbidden = "f0bd" + String(repeating: "0", count: 36)
        let oldOS = "0b50" + String(repeating: "0", count: 36)
        let input = try emulator.folder.write(
            "mixed.csv",
            """
            DeviceId,SHA1,Comment,Severity
            \(ok1),\(sha),"Incident 7, host A",High
            \(ok2),\(sha),Incident 7,High
            \(ok1),\(sha2),Incident 7,Low
            \(unknown),\(sha),Incident 7,High
            \(forbidden),\(sha),Incident 7,High
            \(oldOS),\(sha),Incident 7,High
            \(ok1),\(String(repeating: "e", count: 64)),Incident 7,High
            \(ok1.uppercased()),\(sha),duplicate of line 2,High

            """)
        let report = emulator.folder.path("report.csv")
        let result = try await emulator.mdebatch(["run", input, "--report", report] + emulator.flags()).run()
        defer { Task { await emulator.stop() } }

        #expect(result.status == 1, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let rows = try ReportCSV.parse(String(contentsOfFile: report, encoding: .utf8))
        let byLine = Dictionary(uniqueKeysWithValues: rows.map { (Int($0["line"]!)!, $0) })
        #expect(byLine[2]?["outcome"] == "submitted")
        #expect(byLine[3]?["outcome"] == "submitted")
        #expect(byLine[4]?["outcome"] == "submitted")
        #expect(byLine[5]?["outcome"] == "failed")
        #expect(byLine[5]?["error_code"] == "ResourceNotFound")
        #expect(byLine[5]?["http_status"] == "404")
        #expect(byLine[6]?["outcome"] == "failed")
        #expect(byLine[6]?["http_status"] == "403")
        #expect(byLine[7]?["error_code"] == "OsPlatformNotSupported")
        // A SHA-256 the emulator does not know: looked up, not sent.
        #expect(byLine[8]?["outcome"] == "file-not-found")
        #expect(byLine[8]?["input_hash"] == String(repeating: "e", count: 64))
        #expect(byLine[9]?["outcome"] == "duplicate")
        #expect(byLine[9]?["error_message"] == "duplicate of \(input):2")

        // The report holds exactly the action ids the emulator created.
        let created = Set(await emulator.server.actions().map(\.id))
        let reported = Set(rows.compactMap { $0["action_id"] }.filter { !$0.isEmpty })
        #expect(created.count == 3)
        #expect(reported == created)
        #expect(result.stdout.contains("Report: \(report)"))
    }

    /// The request timeout of the scaled runs, in emulator time: 2 h is 12 real seconds at
    /// 600×. A shorter one (10 min is one real second) expires while a loaded machine stalls
    /// the emulator; a request abandoned by the client but answered later arrives after the
    /// completion its ledger recorded, and the server's window then holds a call the client
    /// no longer counts (docs/SAFETY.md, "Quota").
    static let scaledRequestTimeout = "2h"

    /// What the journal says beyond the 429s, for a failure message: requests that were not
    /// sends (an in-doubt row's lookups) and sends the emulator answered.
    static func journalSummary(_ journal: [JournalEntry]) -> String {
        let sends = journal.filter { $0.path.hasSuffix("/StopAndQuarantineFile") }
        let others = journal.count - sends.count
        return "\(journal.filter { $0.status == 429 }.count) × 429 in \(sends.count) sends, \(others) other requests"
    }

    @Test(.timeLimit(.minutes(3)))
    func scaledRunOf3200RowsGetsNo429() async throws {
        let emulator = try await EmulatorHarness.start(scale: 600)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 3200)
        let input = try emulator.folder.write("big.csv", csv)
        let result = try await emulator.mdebatch(
            ["run", input, "--request-timeout", Self.scaledRequestTimeout] + emulator.flags()
        ).run()
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let journal = await emulator.server.journal()
        #expect(journal.filter { $0.status == 429 }.isEmpty, "\(Self.journalSummary(journal))\nstderr: \(result.stderr)")
        let created = await Self.createdPerKey(emulator.server)
        #expect(created.count == 3200)
        #expect(created.values.allSatisfy { $0 == 1 })
        #expect(
            Self.keys(ofCSV: csv).subtracting(created.keys).isEmpty,
            "never created: \(Self.keys(ofCSV: csv).subtracting(created.keys).count)")
        #expect(Set(created.keys).subtracting(Self.keys(ofCSV: csv)).isEmpty)
    }

    /// Two jobs run at the same time on one state file share the tenant's windows through
    /// its ledger: 1,800 calls from two processes, more than an hour's 1,500, and the
    /// emulator (which enforces both limits) answers no 429.
    @Test(.timeLimit(.minutes(3)))
    func twoJobsOnOneStateFileTogetherStayUnderTheLimits() async throws {
        let emulator = try await EmulatorHarness.start(scale: 600)
        defer { Task { await emulator.stop() } }
        let first = IncidentRows.csv(count: 900, seed: 1)
        let second = IncidentRows.csv(count: 900, seed: 2)
        let inputs = [try emulator.folder.write("first.csv", first), try emulator.folder.write("second.csv", second)]
        let timeout = ["--request-timeout", Self.scaledRequestTimeout]
        async let a = emulator.mdebatch(["run", inputs[0]] + timeout + emulator.flags()).run()
        async let b = emulator.mdebatch(["run", inputs[1]] + timeout + emulator.flags()).run()
        let results = await [try a, try b]
        for result in results {
            #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        }
        let journal = await emulator.server.journal()
        #expect(
            journal.filter { $0.status == 429 }.isEmpty,
            "\(Self.journalSummary(journal))\nstderr: \(results.map(\.stderr).joined(separator: "\n---\n"))")
        let created = await Self.createdPerKey(emulator.server)
        #expect(Set(created.keys) == Self.keys(ofCSV: first).union(Self.keys(ofCSV: second)))
        #expect(created.values.allSatisfy { $0 == 1 })
        // Both really ran at once: their sends interleave (seed 1's machines start c0ffee01).
        let fromFirst = journal.filter { $0.path.hasSuffix("/StopAndQuarantineFile") }.map {
            $0.machineId?.hasPrefix("c0ffee01") == true
        }
        #expect(fromFirst.count == 1800, "\(Self.journalSummary(journal))")
        let lastOfFirst = try #require(fromFirst.lastIndex(of: true))
        let lastOfSecond = try #require(fromFirst.lastIndex(of: false))
        #expect(fromFirst.firstIndex(of: false)! < lastOfFirst && fromFirst.firstIndex(of: true)! < lastOfSecond)
    }

    @Test(.timeLimit(.minutes(3)))
    func injectedFaultsStillEndWithExactlyOneActionPerRow() async throws {
        let faults = try ["500:0.05", "503:0.05:2s", "drop-before:0.05", "drop-after:0.05", "delay:0.05:10m"].map {
            try FaultRule(parsing: $0)
        }
        let emulator = try await EmulatorHarness.start(scale: 60, faults: faults, seed: 7)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 160, seed: 3)
        let input = try emulator.folder.write("faults.csv", csv)
        let result = try await emulator.mdebatch(
            ["run", input, "--request-timeout", "60s", "--visibility-delay", "30s", "--max-attempts", "10"] + emulator.flags()
        ).run()
        #expect(result.status == 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let journal = await emulator.server.journal()
        #expect(journal.contains { $0.fault != nil })
        // Never even attempted twice: an identical open action would have answered 400.
        #expect(journal.filter { $0.status == 400 }.isEmpty)
        let created = await Self.createdPerKey(emulator.server)
        #expect(
            Self.keys(ofCSV: csv).subtracting(created.keys).isEmpty,
            "never created: \(Self.keys(ofCSV: csv).subtracting(created.keys).count)")
        #expect(Set(created.keys).subtracting(Self.keys(ofCSV: csv)).isEmpty)
        #expect(created.filter { $0.value != 1 }.isEmpty, "sent twice: \(created.filter { $0.value != 1 })")
    }

    @Test(.timeLimit(.minutes(4)))
    func killedAtRandomMomentsAndRerunEndsWithExactlyOneActionPerRow() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 260, seed: 5)
        let input = try emulator.folder.write("kill.csv", csv)
        let command = emulator.mdebatch(["run", input, "--visibility-delay", "20s"] + emulator.flags())
        var generator = SeededGenerator.fromEnvironment()
        let seed = generator.seed
        var kills = 0
        for _ in 0..<5 {
            let (process, out, err) = try command.start()
            try await Task.sleep(for: .milliseconds(Int.random(in: 150...900, using: &generator)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            _ = await CLIProcess.finish(process, out, err)
        }
        let final = try await command.run()
        #expect(kills > 0, "seed \(seed) (MDEBATCH_TEST_SEED replays it)")
        #expect(await emulator.server.journal().filter { $0.status == 400 }.isEmpty, "seed \(seed)")
        #expect(final.status == 0, "seed \(seed): stdout: \(final.stdout)\nstderr: \(final.stderr)")
        let created = await Self.createdPerKey(emulator.server)
        #expect(
            Self.keys(ofCSV: csv).subtracting(created.keys).isEmpty,
            "seed \(seed), never created: \(Self.keys(ofCSV: csv).subtracting(created.keys).count)")
        #expect(Set(created.keys).subtracting(Self.keys(ofCSV: csv)).isEmpty)
        #expect(created.filter { $0.value != 1 }.isEmpty, "seed \(seed), sent twice: \(created.filter { $0.value != 1 })")
    }

    @Test(.timeLimit(.minutes(1)))
    func wrongCredentialsStopWith77BeforeFiveCalls() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("creds.csv", IncidentRows.csv(count: 20))
        let result = try await emulator.mdebatch(["run", input] + emulator.flags(), secret: "not-the-secret").run()
        #expect(result.status == 77, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        let apiCalls = await emulator.server.journal().filter { $0.path.hasPrefix("/api/") }
        #expect(apiCalls.count <= 5)
    }

    @Test(.timeLimit(.minutes(2)))
    func sigintStopsWith75AndTheJobResumes() async throws {
        let emulator = try await EmulatorHarness.start(scale: 60)
        defer { Task { await emulator.stop() } }
        let csv = IncidentRows.csv(count: 300, seed: 9)
        let input = try emulator.folder.write("sigint.csv", csv)
        let (process, out, err) = try emulator.mdebatch(["run", input] + emulator.flags()).start()
        // Interrupt once the first burst has landed (300 rows need two more minutes of quota).
        for _ in 0..<400 where await emulator.server.actions().count < 50 {
            try await Task.sleep(for: .milliseconds(25))
        }
        kill(process.processIdentifier, SIGINT)
        let interrupted = await CLIProcess.finish(process, out, err)
        #expect(interrupted.status == 75, "stdout: \(interrupted.stdout)\nstderr: \(interrupted.stderr)")
        #expect(interrupted.stdout.contains("Resume with: mdebatch resume"))
        #expect(await emulator.server.actions().count < 300)

        let jobs = try await emulator.mdebatch(["jobs", "--state", emulator.statePath]).run()
        #expect(jobs.stdout.contains("interrupted"))
        let jobId = try #require(jobs.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let resumed = try await emulator.mdebatch(["resume", String(jobId)] + emulator.flags()).run()
        #expect(resumed.status == 0, "stdout: \(resumed.stdout)\nstderr: \(resumed.stderr)")
        let created = await Self.createdPerKey(emulator.server)
        #expect(
            Self.keys(ofCSV: csv).subtracting(created.keys).isEmpty,
            "never created: \(Self.keys(ofCSV: csv).subtracting(created.keys).count)")
        #expect(Set(created.keys).subtracting(Self.keys(ofCSV: csv)).isEmpty)
        #expect(created.values.allSatisfy { $0 == 1 })
    }
}

/// A small RFC 4180 reader for checking reports (quoted cells, doubled quotes, CRLF).
enum ReportCSV {
    static func parse(_ text: String) throws -> [[String: String]] {
        var records: [[String]] = []
        var field = ""
        var record: [String] = []
        var quoted = false
        var iterator = Array(text).makeIterator()
        var pending: Character?
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            quoted = false
                            pending = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field)
                field = ""
            } else if c == "\r\n" || c == "\n" {
                record.append(field)
                field = ""
                records.append(record)
                record = []
            } else {
                field.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        guard let header = records.first else { return [] }
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }
}
