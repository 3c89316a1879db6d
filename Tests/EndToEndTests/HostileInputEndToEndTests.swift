import Foundation
import MDEBatchCore
import MDEEmulator
import Testing

/// Hostile cells, comment limits and loopback checks through the built binary (issue 9,
/// items 3 and 4).
@Suite(.serialized)
struct HostileInputEndToEndTests {
    /// Every piece a spreadsheet could make of a CSV line, splitting on `,`, `;` or tab
    /// and ignoring quotes (the worst case: a locale whose separator the writer did not use).
    static func pieces(_ line: String) -> [String] {
        line.split(omittingEmptySubsequences: false) { $0 == "," || $0 == ";" || $0 == "\t" }.map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: " \""))
        }
    }

    @Test func aFormulaAfterASemicolonInACommentOrFileNameNeverReachesTheReport() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let machine = "c0ffee" + String(repeating: "d", count: 34)
        let comment = "x;=cmd|' /C calc'!A0"
        let input = try emulator.folder.write(
            "=1+2;=cmd.csv",
            "DeviceId,SHA1,Comment\n\(machine),\(String(repeating: "e", count: 40)),\(comment)\n"
                + "\(machine),\(String(repeating: "f", count: 40)),\"a,@SUM(1); +1\"\n")
        let report = emulator.folder.path("report.csv")
        let run = try await emulator.mdebatch(["run", input, "--report", report] + emulator.flags()).run()
        #expect(run.status == 0, "\(run.stderr)")
        let lines = try String(contentsOfFile: report, encoding: .utf8).components(separatedBy: "\r\n").dropFirst().filter {
            !$0.isEmpty
        }
        #expect(lines.count == 2)
        for line in lines {
            for piece in Self.pieces(line) {
                #expect(!"=+-@".contains(piece.first ?? " "), "piece \(piece.debugDescription) of \(line.debugDescription)")
            }
        }
        // Quoted whole, so a reader that honours quotes sees the comment and the name intact.
        #expect(lines[0].contains(#""x;'=cmd|' /C calc'!A0""#), "\(lines[0])")
        #expect(lines[0].contains(#"=1+2;'=cmd.csv""#), "\(lines[0])")
        #expect(lines[1].contains(#""a,'@SUM(1); '+1""#), "\(lines[1])")
        // The emulator got the comment as written: neutralizing is for the report only.
        let sent = await emulator.server.actions().map(\.requestorComment)
        #expect(sent.contains { $0?.hasPrefix(comment) == true })
    }

    @Test func aCommentOfCombiningMarksIsTooLongThoughItIsOneCharacter() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let machine = String(repeating: "a", count: 40)
        let accents = "a" + String(repeating: "\u{301}", count: 300_000)
        let shortEnough = String(repeating: "\u{301}", count: 3999)
        let input = try folder.write(
            "marks.csv",
            "DeviceId,SHA1,Comment\n\(machine),\(String(repeating: "b", count: 40)),\(accents)\n"
                + "\(machine),\(String(repeating: "c", count: 40)),x\(shortEnough)\n")
        let result = try await CLIProcess(arguments: ["validate", input], environment: [:], currentDirectory: folder.url).run()
        #expect(result.status == 1, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("marks.csv:2  comment-too-long: comment has 300001 Unicode scalars"), "\(result.stdout)")
        #expect(result.stdout.contains("1  valid"))
    }

    @Test func localhostWithATrailingDotIsNotLoopback() async throws {
        let emulator = try await EmulatorHarness.start()
        defer { Task { await emulator.stop() } }
        let input = try emulator.folder.write("in.csv", IncidentRows.csv(count: 2))
        let port = try #require(URL(string: emulator.server.baseURL)?.port)
        let base = "http://localhost.:\(port)"
        let flags = emulator.flags().map { $0 == emulator.server.baseURL ? base : $0 }
        let run = try await emulator.mdebatch(["run", input] + flags).run()
        #expect(run.status == 64, "\(run.stderr)")
        #expect(run.stderr.contains(base) && run.stderr.contains("not loopback"), "\(run.stderr)")
        #expect(await emulator.server.journal().isEmpty)

        // The same for the login authority: the client secret never leaves.
        var environment = emulator.environment()
        environment["MDE_AUTHORITY"] = base
        let login = try await CLIProcess(
            arguments: ["run", input] + emulator.flags(), environment: environment, currentDirectory: emulator.folder.url
        ).run()
        #expect(login.status != 0 && login.stderr.contains(base), "\(login.stderr)")
        #expect(await emulator.server.journal().isEmpty)
    }

    @Test func aDryRunRefusesPlainHTTPToARemoteHost() async throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let result = try await CLIProcess(
            arguments: [
                "run", Repository.sample("incident-2026-11-21.csv"), "--dry-run", "--api-base", "http://example.com",
                "--state", folder.path("state.sqlite"),
            ],
            environment: [:], currentDirectory: folder.url
        ).run()
        #expect(result.status == 64, "\(result.stderr)")
        #expect(result.stderr.contains("http://example.com") && result.stderr.contains("not loopback"), "\(result.stderr)")
    }
}
