import Foundation
import MDEBatchCore
import Testing

/// The files in `samples/` say in their README what they contain; these tests hold them to it.
struct SampleFilesTests {
    static let samples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples")

    @Test func incidentSpreadsheetHasTheDocumentedMix() throws {
        let path = Self.samples.appendingPathComponent("incident-2026-11-21.csv").path
        let result = try ingest([path], options: IngestOptions(resolve: false))
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.summary.rowCount == 37)
        #expect(result.summary.validCount == 30)
        #expect(result.summary.duplicateCount == 3)
        #expect(
            result.summary.invalidCounts == [
                .sha256NotAccepted: 1, .md5NotAccepted: 1, .invalidMachineId: 1, .missingComment: 1,
            ]
        )
        let duplicates = result.rows.compactMap { row -> [Int]? in
            guard case .duplicate(let first) = row.verdict else { return nil }
            return [row.location.line, first.line]
        }
        #expect(duplicates == [[31, 4], [35, 8], [39, 16]])
        let special = result.valid.filter { ["deadbeef", "0b50", "f0bd"].contains(where: $0.machineId.hasPrefix) }
        #expect(special.count == 3)
        #expect(result.valid.filter { $0.sha1.hasPrefix("fa11") || $0.sha1.hasPrefix("71e0") }.count == 4)
    }

    @Test func incidentSpreadsheetsSHA256RowIsResolvedUnlessNoResolve() throws {
        let path = Self.samples.appendingPathComponent("incident-2026-11-21.csv").path
        let result = try ingest([path])
        #expect(result.summary.validCount == 31)
        #expect(result.summary.toResolve == 1)
        #expect(result.summary.distinctSHA256 == 1)
        #expect(result.summary.invalidCounts == [.md5NotAccepted: 1, .invalidMachineId: 1, .missingComment: 1])
    }

    @Test func defaultCommentRescuesTheRowWithoutComment() throws {
        let path = Self.samples.appendingPathComponent("incident-2026-11-21.csv").path
        let result = try ingest(
            [path], options: IngestOptions(defaultComment: "INC-20261121 cleanup", resolve: false))
        #expect(result.summary.validCount == 31)
        #expect(result.summary.invalidCount == 3)
    }

    @Test func advancedHuntingExportIsAllValid() throws {
        let path = Self.samples.appendingPathComponent("incident-2026-11-21.jsonl").path
        let result = try ingest([path])
        #expect(result.summary.fileErrors.isEmpty)
        #expect(result.summary.validCount == 10)
        #expect(result.lines == Array(1...10))
    }
}
