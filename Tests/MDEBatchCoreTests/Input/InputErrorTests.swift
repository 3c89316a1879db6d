import Foundation
import MDEBatchCore
import Testing

struct InputErrorTests {
    @Test func emptyFileIsAFileError() throws {
        let path = try fixturePath("empty.csv")
        let result = try ingest([path])
        #expect(result.summary.fileErrors == [.emptyFile(source: path)])
        #expect(result.rows.isEmpty)
    }

    @Test func headerOnlyIsNotAnError() throws {
        let result = try ingestFixtures(["header-only.csv"])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.summary.rowCount == 0)
    }

    @Test func missingColumnNamesTheColumnsFound() throws {
        let path = try fixturePath("missing-column.csv")
        let result = try ingest([path])
        let error = try #require(result.summary.fileErrors.first)
        #expect(
            error
                == .missingColumn(
                    source: path,
                    column: "machine id or device name",
                    lookedFor: [
                        "machineId", "machine_id", "Machine ID", "deviceId", "DeviceId", "device_id", "Device ID",
                        "DeviceName", "Device Name", "computerDnsName", "ComputerName", "Computer", "Hostname", "Host",
                    ],
                    found: ["Device", "Hash", "Note"]
                )
        )
        #expect(error.description.contains("\"Device\", \"Hash\", \"Note\""))
        #expect(error.description.contains("--machine-column NAME (or --device-name-column NAME)"))
    }

    @Test func binaryGarbageDoesNotLookLikeText() throws {
        let path = try fixturePath("binary.csv")
        let result = try ingest([path])
        #expect(result.summary.fileErrors == [.notText(source: path, line: 1)])
        #expect(result.summary.fileErrors.first?.description.contains("does not look like a text file") == true)
    }

    @Test func utf16WithoutByteOrderMarkIsUnsupported() throws {
        let text = "DeviceId,SHA1,Comment\r\n\(FixtureIDs.m1),\(FixtureIDs.s1),x\r\n"
        let path = try writeTemporaryFile(
            "nobom.csv", Array(text.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        let result = try ingest([path])
        #expect(
            result.summary.fileErrors == [
                .unsupportedEncoding(source: path, encoding: "UTF-16 (little-endian) without a byte-order mark")
            ]
        )
    }

    @Test func utf32IsUnsupported() throws {
        let path = try writeTemporaryFile("utf32.csv", [0xFF, 0xFE, 0x00, 0x00, 0x41, 0x00, 0x00, 0x00])
        let result = try ingest([path])
        #expect(result.summary.fileErrors == [.unsupportedEncoding(source: path, encoding: "UTF-32 (little-endian)")])
    }

    @Test func missingAndUnreadableFilesAreFileErrorsAndOtherFilesStillRead() throws {
        let directory = try makeTemporaryDirectory()
        let missing = directory.appendingPathComponent("nope.csv").path
        let good = try fixturePath("crlf.csv")
        let result = try ingest([missing, directory.path, good])
        try #require(result.summary.fileErrors.count == 2)
        #expect(result.summary.fileErrors[0] == .fileNotFound(path: missing))
        #expect(result.summary.fileErrors[1] == .unreadable(path: directory.path, reason: "it is a directory"))
        #expect(result.summary.validCount == 2)
    }

    @Test func standardInputNeedsAFormat() throws {
        let summary = try IngestPipeline(options: IngestOptions()).run([.standardInput]) { _ in }
        #expect(summary.fileErrors == [.formatRequiredForStandardInput])
        #expect(InputError.formatRequiredForStandardInput.description.contains("--format"))
    }

    @Test func invalidUTF8RowIsRejectedAndLaterRowsStillRead() throws {
        let result = try ingestFixtures(["invalid-utf8.csv"])
        #expect(result.lines == [2, 3, 4])
        #expect(result.reasons == [nil, .invalidEncoding, nil])
        #expect(result.valid.map(\.comment) == ["ok before", "ok after"])
    }

    @Test func unbalancedQuoteAtEndIsAMalformedRow() throws {
        let result = try ingestFixtures(["unbalanced-quote.csv"])
        #expect(result.lines == [2, 3])
        #expect(result.reasons == [nil, .malformedRow])
        guard case .invalid(_, let message) = result.rows[1].verdict else {
            Issue.record("expected an invalid row")
            return
        }
        #expect(message.contains("line 3 is never closed"))
    }

    @Test func twoMegabyteLineIsRowTooLongAndTheNextRowsRead() throws {
        // Given a 2 MB record between two ordinary rows
        var text = "machineId,sha1,comment\n\(FixtureIDs.m1),\(FixtureIDs.s1),before\n"
        text += "\(FixtureIDs.m2),\(FixtureIDs.s2),\(String(repeating: "A", count: 2 * 1024 * 1024))\n"
        text += "\(FixtureIDs.m3),\(FixtureIDs.s3),after\n"
        let path = try writeTemporaryFile("long.csv", text)
        // When it is read
        let result = try ingest([path])
        // Then it is one rejected row with a clear message, and the next row is valid
        #expect(result.lines == [2, 3, 4])
        #expect(result.reasons == [nil, .rowTooLong, nil])
        guard case .invalid(_, let message) = result.rows[1].verdict else {
            Issue.record("expected an invalid row")
            return
        }
        #expect(message.contains("over the limit of 1048576 bytes"))
        #expect(result.valid.last?.comment == "after")
    }

    @Test func overlongQuotedRecordIsSkippedByQuotingRules() throws {
        // The oversized cell is quoted and holds line breaks and delimiters.
        let big = String(repeating: "x,\n", count: 500_000)
        let text =
            "machineId,sha1,comment\n\(FixtureIDs.m2),\(FixtureIDs.s2),\"\(big)\"\n\(FixtureIDs.m3),\(FixtureIDs.s3),after\n"
        let path = try writeTemporaryFile("longquoted.csv", text)
        let result = try ingest([path])
        #expect(result.reasons == [.rowTooLong, nil])
        #expect(result.lines == [2, 2 + 500_000 + 1])
    }
}
