import Foundation
import MDEBatchCore
import Testing

struct DelimitedReaderTests {
    typealias IDs = FixtureIDs

    /// One dialect: the fixture, and the rows it must yield (line, machine id, sha1, comment).
    struct Dialect: CustomTestStringConvertible, Sendable {
        var fixture: String
        var rows: [Expected]
        var testDescription: String { fixture }
    }

    struct Expected: Equatable, Sendable {
        var line: Int
        var machineId: String
        var sha1: String
        var comment: String
    }

    static let dialects: [Dialect] = [
        Dialect(
            fixture: "excel-semicolon.csv",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Quarantine; ticket INC-1"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "Phishing payload"),
                Expected(line: 4, machineId: IDs.m3, sha1: IDs.s3, comment: "Said \"urgent\""),
            ]
        ),
        Dialect(
            fixture: "tab.tsv",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Tab one"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "Tab, two"),
            ]
        ),
        Dialect(
            fixture: "pipe.txt",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Pipe one"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "Pipe | two"),
            ]
        ),
        Dialect(
            fixture: "cr-only.csv",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "CR one"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "CR two"),
                Expected(line: 5, machineId: IDs.m3, sha1: IDs.s3, comment: "CR three"),
            ]
        ),
        Dialect(
            fixture: "crlf.csv",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "CRLF one"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "CRLF two"),
            ]
        ),
        Dialect(
            fixture: "utf8-bom.csv",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Café ünïcødé 日本"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "BOM two"),
            ]
        ),
        Dialect(
            fixture: "utf16le.txt",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Unicode text é 😀"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "Two lines"),
                Expected(line: 5, machineId: IDs.m3, sha1: IDs.s3, comment: "Third"),
            ]
        ),
        Dialect(
            fixture: "utf16be.txt",
            rows: [
                Expected(line: 2, machineId: IDs.m1, sha1: IDs.s1, comment: "Unicode text é 😀"),
                Expected(line: 3, machineId: IDs.m2, sha1: IDs.s2, comment: "Two lines"),
                Expected(line: 5, machineId: IDs.m3, sha1: IDs.s3, comment: "Third"),
            ]
        ),
    ]

    @Test(arguments: dialects)
    func dialectYieldsEveryRowWithItsLine(_ dialect: Dialect) throws {
        let result = try ingestFixtures([dialect.fixture])
        #expect(result.summary.fileErrors.isEmpty)
        let seen = result.rows.map { row in
            Expected(
                line: row.location.line,
                machineId: row.verdict.normalized?.machineId ?? "not valid: \(row.verdict)",
                sha1: row.verdict.normalized?.sha1 ?? "",
                comment: row.verdict.normalized?.comment ?? ""
            )
        }
        #expect(seen == dialect.rows)
    }

    @Test func quotedFieldsFollowRFC4180AndPushLinesDown() throws {
        // The shapes of csv-spectrum: comma_in_quotes, escaped_quotes, newlines,
        // quotes_and_newlines, utf8, empty fields, every cell quoted.
        let result = try ingestFixtures(["quoted.csv"])
        #expect(result.lines == [2, 3, 4, 7, 10, 11, 12])
        #expect(
            result.rows.map(\.comment) == [
                "comma, in quotes", "escaped \"quotes\" here", "new\nline\nbreaks", "quotes \"and\"\nnewlines",
                "ünïcödé ✓", "", "fully quoted",
            ]
        )
        #expect(
            result.valid.map(\.comment) == [
                "comma, in quotes", "escaped \"quotes\" here", "new line breaks", "quotes \"and\" newlines",
                "ünïcödé ✓",
                "fully quoted",
            ]
        )
        #expect(result.reasons[5] == .missingComment)
        #expect(result.rows[6].machineId == FixtureIDs.m2)
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let result = try ingestFixtures(["blank-lines.csv"])
        #expect(result.lines == [5, 7])
        #expect(result.valid.map(\.comment) == ["after blanks", "last"])
    }

    @Test func lineNumbersSurviveRecordsThatStraddleReadChunks() throws {
        // Many rows, each with a quoted two-line comment: the reader refills its window
        // mid-record many times, and every record must keep its physical line.
        var text = "machineId,sha1,comment\r\n"
        let rowCount = 60_000
        for index in 0..<rowCount {
            let hex = String(index, radix: 16)
            let machine = String(repeating: "0", count: 40 - hex.count) + hex
            text += "\(machine),\(FixtureIDs.s1),\"row \(index)\r\nsecond line, \"\"quoted\"\"\"\r\n"
        }
        let path = try writeTemporaryFile("many.csv", text)
        let result = try ingest([path])
        try #require(result.rows.count == rowCount)
        #expect(result.summary.validCount == rowCount)
        #expect(result.rows.last?.location.line == 2 + (rowCount - 1) * 2)
        #expect(result.rows[12_345].verdict.normalized?.comment == "row 12345 second line, \"quoted\"")
    }

    @Test(arguments: [
        ("machineId;sha1;\"a,b,c,d,e\";comment", ";"),
        ("machineId\tsha1\tcomment", "\t"),
        ("machineId|sha1|comment", "|"),
        ("machineId,sha1,comment", ","),
        ("\"machineId\"\t\"sha1\"\t\"comment, with; others|\"", "\t"),
    ])
    func delimiterIsSniffedFromTheHeaderOutsideQuotes(_ header: String, _ delimiter: String) throws {
        // The data row is written with the expected delimiter: it splits right only if the
        // sniffed delimiter is that one.
        let cells =
            header.hasPrefix("machineId;")
            ? [FixtureIDs.m1, FixtureIDs.s1, "x", "ok"] : [FixtureIDs.m1, FixtureIDs.s1, "ok"]
        let path = try writeTemporaryFile("sniff.csv", header + "\n" + cells.joined(separator: delimiter) + "\n")
        let result = try ingest(
            [path], options: IngestOptions(commentColumn: header.contains("others") ? "comment, with; others|" : nil))
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.valid == [NormalizedRow(machineId: FixtureIDs.m1, sha1: FixtureIDs.s1, comment: "ok")])
    }
}
