import Foundation
import MDEBatchCore
import Testing

struct RowValidationTests {
    typealias IDs = FixtureIDs

    /// One row, and the reason code and message fragment it must get.
    struct Case: Sendable, CustomTestStringConvertible {
        var machineId: String
        var sha1: String
        var comment: String
        var reason: RejectionReason
        var messageContains: String
        /// Whether the row is checked with `--no-resolve`.
        var strict = false
        var testDescription: String { reason.rawValue + (strict ? " (--no-resolve)" : "") }
    }

    static let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    static let cases: [Case] = [
        Case(
            machineId: "abc123", sha1: IDs.s1, comment: "c", reason: .invalidMachineId,
            messageContains: "machine id \"abc123\" is not 40 hex digits"),
        Case(
            machineId: String(repeating: "g", count: 40), sha1: IDs.s1, comment: "c", reason: .invalidMachineId,
            messageContains: "not all hex digits"),
        Case(
            machineId: "   ", sha1: IDs.s1, comment: "c", reason: .missingMachineId,
            messageContains: "machine id and device name are empty"),
        Case(
            machineId: "   ", sha1: IDs.s1, comment: "c", reason: .missingMachineId,
            messageContains: "machine id is empty", strict: true),
        Case(
            machineId: IDs.m1, sha1: "xyz", comment: "c", reason: .invalidSHA1,
            messageContains: "sha1 \"xyz\" is not 40 hex digits"),
        Case(
            machineId: IDs.m1, sha1: IDs.s1 + "00", comment: "c", reason: .invalidSHA1,
            messageContains: "it has 42 hex digits"),
        Case(machineId: IDs.m1, sha1: "", comment: "c", reason: .missingSHA1, messageContains: "sha1 and sha256 are empty"),
        Case(
            machineId: IDs.m1, sha1: "", comment: "c", reason: .missingSHA1, messageContains: "sha1 is empty", strict: true
        ),
        Case(
            machineId: IDs.m1,
            sha1: sha256,
            comment: "c",
            reason: .sha256NotAccepted,
            messageContains: "sha1 \"e3b0…b855\" is a SHA-256 (64 hex digits); the API takes SHA-1 only (40 hex digits)",
            strict: true
        ),
        Case(
            machineId: IDs.m1,
            sha1: "D41D8CD98F00B204E9800998ECF8427E",
            comment: "c",
            reason: .md5NotAccepted,
            messageContains: "whether its file lookup takes an MD5 is not confirmed"
        ),
        Case(
            machineId: IDs.m1, sha1: IDs.s1, comment: " \r\n ", reason: .missingComment,
            messageContains: "pass --comment TEXT"),
        Case(
            machineId: IDs.m1,
            sha1: IDs.s1,
            comment: String(repeating: "é", count: 4001),
            reason: .commentTooLong,
            messageContains: "comment has 4001 Unicode scalars (8002 bytes of UTF-8), over the limit of 4000 scalars"
        ),
        // One grapheme, 300,001 scalars: a character count would pass it, and the API would
        // refuse a 600 KB body.
        Case(
            machineId: IDs.m1,
            sha1: IDs.s1,
            comment: "a" + String(repeating: "\u{301}", count: 300_000),
            reason: .commentTooLong,
            messageContains: "comment has 300001 Unicode scalars (600001 bytes of UTF-8)"
        ),
        Case(
            machineId: IDs.m1, sha1: IDs.s1, comment: "bell\u{07}", reason: .controlCharacters,
            messageContains: "U+0007 at character 5"),
        Case(
            machineId: IDs.m1, sha1: IDs.s1, comment: "tab\there", reason: .controlCharacters, messageContains: "U+0009"
        ),
        Case(
            machineId: IDs.m1, sha1: IDs.s1, comment: "c1 \u{85} next line", reason: .controlCharacters,
            messageContains: "U+0085 at character 4"),
    ]

    @Test(arguments: cases)
    func rowIsRejectedWithItsReasonAndAMessageNamingTheValue(_ testCase: Case) throws {
        let result = try ingest(
            [try csv([[testCase.machineId, testCase.sha1, testCase.comment]])],
            options: IngestOptions(resolve: !testCase.strict))
        let row = try #require(result.rows.first)
        guard case .invalid(let reason, let message) = row.verdict else {
            Issue.record("expected \(testCase.reason.rawValue), got \(row.verdict)")
            return
        }
        #expect(reason == testCase.reason)
        #expect(message.contains(testCase.messageContains), "\(message)")
        #expect(result.summary.invalidCounts == [testCase.reason: 1])
    }

    @Test func commentOfExactly4000CharactersIsAccepted() throws {
        let comment = String(repeating: "ü", count: 4000)
        let result = try ingest([try csv([[IDs.m1, IDs.s1, comment]])])
        #expect(result.valid.first?.comment == comment)
    }

    @Test func validRowIsTrimmedLowerCasedAndFolded() throws {
        let result = try ingest([
            try csv([["  \(IDs.m2.uppercased()) ", "\t\(IDs.s1.uppercased())", "  first\r\n\r\n  second\nthird  "]])
        ])
        let row = try #require(result.rows.first)
        #expect(row.verdict == .valid(NormalizedRow(machineId: IDs.m2, sha1: IDs.s1, comment: "first second third")))
        // The raw cells are kept trimmed but not lower-cased, for reports.
        #expect(row.machineId == IDs.m2.uppercased())
        #expect(row.sha1 == IDs.s1.uppercased())
    }

    @Test func defaultCommentAppliesOnlyToEmptyComments() throws {
        let options = IngestOptions(defaultComment: "Incident 2026-11-21")
        let result = try ingest([try csv([[IDs.m1, IDs.s1, ""], [IDs.m2, IDs.s2, "own comment"]])], options: options)
        #expect(result.valid.map(\.comment) == ["Incident 2026-11-21", "own comment"])
        #expect(result.rows[0].comment == "")
    }

    @Test func everyReasonCodeHasItsDocumentedRawValue() {
        #expect(
            RejectionReason.allCases.map(\.rawValue) == [
                "invalid-machine-id", "missing-machine-id", "invalid-sha1", "missing-sha1", "sha256-not-accepted",
                "md5-not-accepted", "invalid-device-name", "invalid-sha256", "missing-comment", "comment-too-long",
                "control-characters", "invalid-encoding",
                "malformed-row", "row-too-long",
            ]
        )
    }

    @Test func reasonsFixtureGetsOneReasonPerLine() throws {
        let result = try ingestFixtures(["reasons.csv"], options: IngestOptions(resolve: false))
        #expect(result.lines == Array(2...11))
        #expect(
            result.reasons == [
                .invalidMachineId, .missingMachineId, .invalidSHA1, .missingSHA1, .sha256NotAccepted, .md5NotAccepted,
                .missingComment, .commentTooLong, .controlCharacters, nil,
            ]
        )
        #expect(result.valid == [NormalizedRow(machineId: IDs.m2, sha1: IDs.s1, comment: "folded line")])
        #expect(result.summary.rowCount == 10)
        #expect(result.summary.validCount == 1)
        #expect(result.summary.invalidCount == 9)
    }

    /// Writes a CSV with the standard header and the given rows, quoting every cell.
    private func csv(_ rows: [[String]]) throws -> String {
        var text = "machineId,sha1,comment\n"
        for row in rows {
            text +=
                row.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") + "\n"
        }
        return try writeTemporaryFile("rows.csv", text)
    }
}
