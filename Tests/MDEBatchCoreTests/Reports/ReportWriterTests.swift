import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct CSVReportTests {
    func csv(_ fixture: ReportFixture) throws -> String {
        var data = Data()
        try ReportWriter(format: .csv, now: fixture.clock.now, cancelCommand: "x").write(
            jobId: fixture.job.id, store: fixture.store
        ) {
            data.append($0)
        }
        return String(decoding: data, as: UTF8.self)
    }

    @Test func headerHasTheSpecColumnsInOrder() throws {
        let text = try csv(ReportFixture())
        let header = try #require(text.components(separatedBy: "\r\n").first)
        #expect(
            header
                == "job,source,line,machine_id,sha1,comment,outcome,action_id,action_status,http_status,error_code,error_message,attempts,first_sent_at,submitted_at,cancel_status,device_name,input_hash"
        )
    }

    @Test func formulaCellsAreNeutralizedAndQuotedCellsRoundTrip() throws {
        let fixture = try ReportFixture()
        let lines = try csv(fixture).components(separatedBy: "\r\n")
        // Line 3's comment is a formula: it must start with a quote mark inside the cell.
        let formulaLine = try #require(lines.first { $0.contains("HYPERLINK") })
        #expect(formulaLine.contains(#""'=HYPERLINK(""http://evil"",""x"")""#))
        // Line 2's comment has a comma and quotes: RFC 4180 quoting with doubled quotes.
        let quoted = try #require(lines.first { $0.contains("Incident 7") })
        #expect(quoted.contains(#""Incident 7, host ""A""""#))
    }

    @Test func rowsCarryOutcomeActionAndUTCTimes() throws {
        let fixture = try ReportFixture()
        let lines = try csv(fixture).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.count == 1 + ReportFixture.standard.count)
        let first = lines[1].components(separatedBy: ",")
        #expect(first[0] == fixture.job.id)
        #expect(first[2] == "2")
        // After the quoted comment (which contains a comma), the cells shift by one.
        #expect(first[7] == "submitted")
        #expect(first[8] == "a-1")
        #expect(first[9] == "Succeeded")
        #expect(first[10] == "201")
        #expect(first[13] == "1")
        #expect(first[14].hasSuffix("Z") && first[14].hasPrefix("2027-01-15T"))
    }

    @Test func cancelJobRowsShowTheActionTheyCancel() throws {
        let fixture = try ReportFixture(
            [ReportFixture.Spec(line: 2, comment: "c", fate: .submitted(actionId: "target-9", status: "Cancelled"))],
            kind: .cancel, targets: true)
        let lines = try csv(fixture).components(separatedBy: "\r\n")
        let cells = lines[1].components(separatedBy: ",")
        #expect(cells[7] == "target-9")
        #expect(cells[8] == "Cancelled")
    }

    @Test func streamsAThousandRowsPerChunk() throws {
        let specs = (0..<2500).map { ReportFixture.Spec(line: $0 + 2, comment: "c", fate: .pending) }
        let fixture = try ReportFixture(specs)
        var chunks = 0
        var rows = 0
        try CSVReportWriter().write(jobId: fixture.job.id, store: fixture.store) { chunk in
            chunks += 1
            rows += String(decoding: chunk, as: UTF8.self).components(separatedBy: "\r\n").count - 1
        }
        #expect(chunks == 3)
        #expect(rows == 2501)
    }
}

struct JSONReportTests {
    struct Document: Decodable {
        var job: ReportHeader.Job
        var summary: ReportHeader.Summary
        var items: [ReportItem]
    }

    func json(_ fixture: ReportFixture, _ format: ReportFormat = .json) throws -> Data {
        var data = Data()
        try ReportWriter(format: format, now: fixture.clock.now, cancelCommand: "x").write(
            jobId: fixture.job.id, store: fixture.store
        ) {
            data.append($0)
        }
        return data
    }

    @Test func documentDecodesWithJobSummaryAndEveryItem() throws {
        let fixture = try ReportFixture()
        let document = try JSONDecoder().decode(Document.self, from: try json(fixture))
        #expect(document.job.id == fixture.job.id)
        #expect(document.job.kind == "quarantine")
        #expect(document.summary.rows == 9)
        #expect(document.summary.outcomes == ["submitted": 2, "failed": 5, "invalid": 1, "duplicate": 1])
        #expect(document.summary.actionStatuses == ["Succeeded": 1, "Pending": 1])
        #expect(document.summary.trackedActions == 2)
        #expect(document.summary.openActions == 1)
        #expect(document.summary.lastStatusRefresh == nil)
        #expect(document.items.map(\.line) == Array(2...10))
        #expect(document.items[0].actionId == "a-1")
        #expect(document.items[2].errorCode == "ResourceNotFound")
        #expect(document.items[2].httpStatus == 404)
    }

    @Test func itemsHaveCamelCaseKeysNumbersAndExplicitNulls() throws {
        let fixture = try ReportFixture()
        let object = try #require(try JSONSerialization.jsonObject(with: try json(fixture)) as? [String: Any])
        #expect(Set(object.keys) == ["job", "summary", "items"])
        let items = try #require(object["items"] as? [[String: Any]])
        let expected: Set<String> = [
            "job", "source", "line", "machineId", "sha1", "comment", "outcome", "actionId", "actionStatus", "httpStatus",
            "errorCode", "errorMessage", "attempts", "firstSentAt", "submittedAt", "cancelStatus", "deviceName", "inputHash",
        ]
        // Plus the candidates of an ambiguous device name (an array, empty for other rows).
        #expect(items.allSatisfy { Set($0.keys) == expected.union(["candidates"]) })
        #expect(items.allSatisfy { ($0["candidates"] as? [Any])?.isEmpty == true })
        // The columns match the CSV's one for one.
        #expect(expected.count == CSVReportWriter.columns.count)
        let submitted = items[0]
        #expect(submitted["line"] as? Int == 2)
        #expect(submitted["attempts"] as? Int == 1)
        #expect(submitted["httpStatus"] as? Int == 201)
        #expect((submitted["firstSentAt"] as? String)?.hasSuffix("Z") == true)
        #expect(submitted["errorCode"] is NSNull)
        let invalid = items[7]
        #expect(invalid["actionId"] is NSNull)
        #expect(invalid["firstSentAt"] is NSNull)
        // JSON is not a spreadsheet: comments are kept verbatim.
        #expect(items[1]["comment"] as? String == ReportFixture.formulaComment)
    }

    @Test func jsonLinesHoldOneItemPerLineAndNothingElse() throws {
        let fixture = try ReportFixture()
        let text = String(decoding: try json(fixture, .jsonl), as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(text.hasSuffix("\n"))
        #expect(lines.count == ReportFixture.standard.count)
        let items = try lines.map { try JSONDecoder().decode(ReportItem.self, from: Data($0.utf8)) }
        #expect(
            items.map(\.outcome) == [
                "submitted", "submitted", "failed", "failed", "failed", "failed", "failed", "invalid", "duplicate",
            ])
        #expect(items.allSatisfy { $0.job == fixture.job.id })
    }

    @Test func emptyJobIsAValidDocument() throws {
        let fixture = try ReportFixture([])
        let document = try JSONDecoder().decode(Document.self, from: try json(fixture))
        #expect(document.items.isEmpty)
        #expect(document.summary.rows == 0)
    }
}

struct MarkdownReportTests {
    func markdown(_ fixture: ReportFixture, cancel: String = "mdebatch cancel JOB --state /tmp/s.sqlite") throws -> String {
        try MarkdownReportWriter(now: fixture.clock.now, cancelCommand: cancel, examplesPerGroup: 3)
            .render(jobId: fixture.job.id, store: fixture.store)
    }

    @Test func failuresAreGroupedByErrorCodeLargestFirstWithExamples() throws {
        let text = try markdown(ReportFixture())
        let notFound = try #require(text.range(of: "### `ResourceNotFound`: 4 failed rows"))
        let forbidden = try #require(text.range(of: "### `Forbidden`: 1 failed row"))
        let invalid = try #require(text.range(of: "### `sha256-not-accepted`: 1 invalid row"))
        #expect(notFound.lowerBound < forbidden.lowerBound)
        #expect(notFound.lowerBound < invalid.lowerBound)
        // Three examples, in input order, then how many more.
        let section = text[notFound.upperBound..<forbidden.lowerBound]
        #expect(section.contains("| t.csv:4 | \(ReportFixture.machine) | 404 | Machine 1 was not found |"))
        #expect(section.contains("| t.csv:5 |"))
        #expect(section.contains(#"Machine 3 \| pipe was not found"#))
        #expect(!section.contains("t.csv:7"))
        #expect(section.contains("…and 1 more"))
        // Duplicates are counted but are not failures.
        #expect(!text.contains("### `duplicate`"))
    }

    @Test func countsPerOutcomeAndStatusAndTheCancelCommand() throws {
        let text = try markdown(ReportFixture())
        #expect(text.contains("| submitted | 2 |"))
        #expect(text.contains("| failed | 5 |"))
        #expect(text.contains("| **total** | **9** |"))
        #expect(text.contains("| Pending | 1 |"))
        #expect(text.contains("| Succeeded | 1 |"))
        #expect(text.contains("1 of 2 actions are open"))
        #expect(text.contains("```sh\nmdebatch cancel JOB --state /tmp/s.sqlite\n```"))
    }

    @Test func actionsThatFailedOnTheDeviceAreListed() throws {
        let fixture = try ReportFixture([
            ReportFixture.Spec(line: 2, comment: "c", fate: .submitted(actionId: "a-1", status: "Failed")),
            ReportFixture.Spec(line: 3, comment: "c", fate: .submitted(actionId: "a-2", status: "TimeOut")),
            ReportFixture.Spec(line: 4, comment: "c", fate: .submitted(actionId: "a-3", status: "Succeeded")),
        ])
        let text = try markdown(fixture)
        #expect(text.contains("## Actions that did not succeed on the device"))
        #expect(text.contains("### Failed: 1 action"))
        #expect(text.contains("### TimeOut: 1 action"))
        #expect(text.contains("| a-1 |"))
        #expect(!text.contains("| a-3 |"))
        #expect(text.contains("No row failed or was rejected."))
    }

    @Test func cancelJobHasNoCancelSection() throws {
        let fixture = try ReportFixture(
            [ReportFixture.Spec(line: 2, comment: "c", fate: .submitted(actionId: "t-1", status: "Cancelled"))],
            kind: .cancel, targets: true)
        let text = try markdown(fixture)
        #expect(text.hasPrefix("# mdebatch cancel job `\(fixture.job.id)`"))
        #expect(!text.contains("mdebatch cancel JOB"))
        #expect(text.contains("| Cancelled | 1 |"))
    }

    @Test func cellsCannotBreakTheTable() {
        #expect(MarkdownReportWriter.cell("a|b\nc") == #"a\|b c"#)
        #expect(MarkdownReportWriter.cell("<script>") == #"\<script\>"#)
        #expect(MarkdownReportWriter.cell(String(repeating: "x", count: 500)).count == 200)
    }
}

struct ReportFileTests {
    @Test func writesTheFileAtomicallyAndLeavesItAloneForAnUnknownJob() throws {
        let fixture = try ReportFixture()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("r.json").path
        let writer = ReportWriter(format: .json, now: fixture.clock.now, cancelCommand: "x")
        try writer.write(jobId: fixture.job.id, store: fixture.store, to: path)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(try JSONSerialization.jsonObject(with: written) is [String: Any])

        let error = #expect(throws: StoreError.self) { try writer.write(jobId: "q-nope", store: fixture.store, to: path) }
        #expect(error == .unknownJob(id: "q-nope", known: [fixture.job.id]))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == written)
        // No temporary file is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["r.json"])
    }
}
