import Foundation
import Testing

@testable import MDEBatchCore

struct StandardInputTests {
    typealias IDs = FixtureIDs

    @Test func standardInputReadsWithAnExplicitFormatAndIsNamedDash() throws {
        // Given a pipe standing in for standard input, holding JSON lines
        let pipe = Pipe()
        let text = "{\"DeviceId\":\"\(IDs.m1)\",\"SHA1\":\"\(IDs.s1)\",\"Comment\":\"from stdin\"}\n"
        try pipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
        try pipe.fileHandleForWriting.close()
        // When the pipeline reads it as `-` with --format jsonl
        let pipeline = IngestPipeline(
            options: IngestOptions(format: .jsonl),
            standardInputDescriptor: pipe.fileHandleForReading.fileDescriptor
        )
        var rows: [IngestedRow] = []
        let summary = try pipeline.run([InputSource(argument: "-")]) { rows.append($0) }
        // Then its row is located at -:1 and counted in the fingerprint
        #expect(summary.fileErrors.isEmpty)
        #expect(rows.map(\.location) == [RowLocation(source: "-", line: 1)])
        #expect(rows.first?.verdict.normalized?.comment == "from stdin")
        #expect(summary.fingerprint.count == 64)
    }

    @Test(arguments: [
        ("incident.csv", InputFormat.csv), ("list.TXT", .csv), ("hunt.tsv", .tsv), ("export.jsonl", .jsonl),
        ("export.ndjson", .jsonl), ("array.json", .json), ("dir.v2/noextension", nil), (".hidden", nil),
    ])
    func formatFollowsTheExtension(_ path: String, _ format: InputFormat?) {
        #expect(InputFormat(path: path) == format)
    }
}
