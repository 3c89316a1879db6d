import Foundation
import MDEBatchCore
import Testing

struct JSONReaderTests {
    typealias IDs = FixtureIDs

    @Test func jsonLinesRowsKeepTheirLinesAndBadLinesAreRejected() throws {
        let result = try ingestFixtures(["rows.jsonl"])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.lines == [1, 3, 4, 5, 6, 7])
        #expect(result.reasons == [nil, nil, .malformedRow, .malformedRow, .malformedRow, .missingComment])
        #expect(result.valid.map(\.comment) == ["jsonl one", "jsonl two"])
        guard case .invalid(_, let message) = result.rows[3].verdict else {
            Issue.record("expected an invalid row")
            return
        }
        #expect(message == "\"SHA1\" is a number or boolean, not a string; put the value in quotes")
        #expect(result.rows[3].machineId == IDs.m3)
    }

    @Test func jsonArrayRowsCarryTheLineOfTheirOpeningBrace() throws {
        let result = try ingestFixtures(["rows.json"])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.lines == [2, 7, 8, 9])
        #expect(result.reasons == [nil, nil, .malformedRow, nil])
        #expect(
            result.valid == [
                NormalizedRow(
                    machineId: IDs.m1, sha1: IDs.s1, comment: "json one, with \"escapes\" and [brackets] {braces}"),
                NormalizedRow(machineId: IDs.m2, sha1: IDs.s2, comment: "json two"),
                NormalizedRow(machineId: IDs.m3, sha1: IDs.s3, comment: "json three"),
            ]
        )
    }

    @Test func jsonFileOfConcatenatedObjectsReadsAsASequence() throws {
        let text =
            "{\"DeviceId\":\"\(IDs.m1)\",\"SHA1\":\"\(IDs.s1)\",\"Comment\":\"a\"}\n\n{\"DeviceId\":\"\(IDs.m2)\",\"SHA1\":\"\(IDs.s2)\",\"Comment\":\"b\"}\n"
        let result = try ingest([try writeTemporaryFile("export.json", text)])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.lines == [1, 3])
        #expect(result.summary.validCount == 2)
    }

    @Test func emptyJSONArrayIsNoRowsAndNoError() throws {
        let result = try ingest([try writeTemporaryFile("none.json", "[ ]\n")])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.rows.isEmpty)
    }

    @Test func jsonThatIsNotAnArrayIsAFileError() throws {
        let path = try writeTemporaryFile("number.json", "\n42\n")
        let result = try ingest([path])
        #expect(
            result.summary.fileErrors == [
                .malformedJSON(source: path, line: 2, detail: "it starts with \"4\" instead of \"[\"")
            ])
    }

    @Test func unclosedJSONArrayKeepsTheRowsReadAndReportsTheFile() throws {
        let text =
            "[{\"DeviceId\":\"\(IDs.m1)\",\"SHA1\":\"\(IDs.s1)\",\"Comment\":\"a\"},\n{\"DeviceId\":\"\(IDs.m2)\","
        let path = try writeTemporaryFile("cut.json", text)
        let result = try ingest([path])
        #expect(result.reasons == [nil, .malformedRow])
        #expect(result.lines == [1, 2])
        #expect(
            result.summary.fileErrors == [
                .malformedJSON(source: path, line: 2, detail: "the array is never closed (missing \"]\")")
            ])
    }

    @Test func firstObjectWithoutRequiredKeysIsAMissingColumn() throws {
        let path = try writeTemporaryFile("keys.jsonl", "{\"DeviceId\":\"\(IDs.m1)\",\"Hash\":\"\(IDs.s1)\"}\n")
        let result = try ingest([path])
        let expected = InputError.missingColumn(
            source: path,
            column: "sha1 or sha256",
            lookedFor: ["sha1", "SHA1", "sha-1", "FileSha1", "file_sha1", "SHA256", "SHA-256", "FileSHA256"],
            found: ["DeviceId", "Hash"]
        )
        #expect(result.summary.fileErrors == [expected])
    }

    @Test func jsonLineWithInvalidUTF8IsAnEncodingRejection() throws {
        var bytes = Array("{\"DeviceId\":\"\(IDs.m1)\",\"SHA1\":\"\(IDs.s1)\",\"Comment\":\"ok\"}\n".utf8)
        bytes +=
            Array("{\"DeviceId\":\"\(IDs.m2)\",\"SHA1\":\"\(IDs.s2)\",\"Comment\":\"".utf8) + [0xFF]
            + Array("\"}\n".utf8)
        let result = try ingest([try writeTemporaryFile("bad.jsonl", bytes)])
        #expect(result.reasons == [nil, .invalidEncoding])
    }

    @Test func explicitFormatOverridesTheExtension() throws {
        let text = "{\"DeviceId\":\"\(IDs.m1)\",\"SHA1\":\"\(IDs.s1)\",\"Comment\":\"a\"}\n"
        let path = try writeTemporaryFile("export.txt", text)
        let result = try ingest([path], options: IngestOptions(format: .jsonl))
        #expect(result.summary.validCount == 1)
    }
}
