import Foundation
import MDEBatchCore
import Testing

/// Reading action ids for `cancel --from-report`.
struct ActionIdReaderTests {
    static let a = "988cc94e-7a8f-4b28-ab65-54970c5d5018"
    static let b = "141408d1-384c-4c19-8b57-ba39e378011a"

    static func write(_ name: String, _ text: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-ids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func read(_ path: String, reader: ActionIdReader = ActionIdReader()) throws -> [ActionIdRow] {
        var rows: [ActionIdRow] = []
        _ = try reader.read(path: path) { rows.append($0) }
        return rows
    }

    @Test
    func readsTheActionIdColumnOfThisToolsReport() throws {
        let path = try Self.write(
            "report.csv",
            """
            job,source,line,machine_id,sha1,comment,outcome,action_id,action_status\r
            q-1,in.csv,2,\(String(repeating: "1", count: 40)),\(String(repeating: "a", count: 40)),"x, y",submitted,\(Self.a),Pending\r
            q-1,in.csv,3,\(String(repeating: "2", count: 40)),\(String(repeating: "b", count: 40)),z,failed,,\r

            """)
        let rows = try Self.read(path)
        #expect(rows.map(\.actionId) == [Self.a, ""])
        #expect(rows.map(\.location.line) == [2, 3])
        #expect(rows[0].machineId == String(repeating: "1", count: 40))
        #expect(rows[0].sha1 == String(repeating: "a", count: 40))
        #expect(rows[0].normalizedActionId == Self.a)
    }

    @Test(arguments: ["Action ID", "action-id", "ACTIONID", "id", "Id"])
    func matchesTheAliasesLikeInputColumns(header: String) throws {
        let path = try Self.write("ids.csv", "Host;\(header)\nh1;\(Self.b.uppercased())\n")
        let rows = try Self.read(path)
        #expect(rows.map(\.normalizedActionId) == [Self.b])
    }

    @Test
    func prefersActionIdOverId() throws {
        let path = try Self.write("ids.csv", "id,actionId\n7,\(Self.a)\n")
        #expect(try Self.read(path).map(\.actionId) == [Self.a])
    }

    @Test
    func readsJSONLinesAndRejectsBadLinesByLine() throws {
        let path = try Self.write(
            "ids.jsonl",
            """
            {"actionId": "\(Self.a)", "machineId": "m"}

            not json
            {"action_id": 5}
            {"actionId": null}
            {"Action ID": "\(Self.b)"}
            """)
        let rows = try Self.read(path)
        #expect(rows.map(\.location.line) == [1, 3, 4, 5, 6])
        #expect(rows[0].actionId == Self.a && rows[0].machineId == "m")
        #expect(rows[1].problem?.contains("not valid JSON") == true)
        #expect(rows[2].problem?.contains("not a string") == true)
        #expect(rows[3].actionId.isEmpty && rows[3].problem == nil)
        #expect(rows[4].actionId == Self.b)
    }

    @Test
    func aFileWithoutAnActionIdColumnIsUnusable() throws {
        let path = try Self.write("nope.csv", "machineId,sha1\nx,y\n")
        #expect {
            _ = try Self.read(path)
        } throws: { error in
            guard case InputError.missingColumn(_, let column, _, let found) = error else { return false }
            return column == "action id" && found == ["machineId", "sha1"]
                && "\(error)".contains("--action-id-column")
        }
    }

    @Test
    func aFileThatIsNotJSONLinesIsUnusable() throws {
        let path = try Self.write("ids.jsonl", "actionId\n\(Self.a)\n")
        #expect(throws: InputError.self) { _ = try Self.read(path) }
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-\(UUID().uuidString).csv").path
        #expect(throws: InputError.fileNotFound(path: missing)) { _ = try Self.read(missing) }
    }

    @Test(arguments: ["123", "988cc94e7a8f4b28ab6554970c5d5018", "988cc94e-7a8f-4b28-ab65-54970c5d501z", "x"])
    func onlyGUIDsAreActionIds(value: String) {
        let row = ActionIdRow(location: RowLocation(source: "f", line: 2), actionId: value, machineId: "", sha1: "", problem: nil)
        #expect(row.normalizedActionId == nil)
    }

    @Test
    func cancelJobFromAReportRejectsBadIdsWithTheirLineAndSkipsRowsWithoutOne() throws {
        let store = try StateStore.inMemory()
        let path = try Self.write(
            "mixed.csv", "action_id,note\n\(Self.a),ok\nnot-an-id,bad\n,failed row\n\(Self.a.uppercased()),again\n")
        let result = try CancelJobIngest.fromReport(
            path: path, options: CancelJobOptions(comment: "c"), target: nil, store: store, now: Date())
        let job = try #require(result.creation.job)
        #expect(result.withoutActionId == 1)
        let rows = try store.rows(jobId: job.id)
        #expect(rows.map(\.state) == [.pending, .invalid, .duplicate])
        #expect(rows[1].errorCode == "invalid-action-id")
        #expect(rows[1].errorMessage?.hasPrefix("\(path):3:") == true)
        #expect(rows[2].errorMessage == "duplicate of \(path):2")
        #expect(rows[0].targetActionId == Self.a)
        let again = try CancelJobIngest.fromReport(
            path: path, options: CancelJobOptions(comment: "c"), target: nil, store: store, now: Date())
        guard case .existing(let existing) = again.creation else {
            Issue.record("the same file and options should find the same job")
            return
        }
        #expect(existing.id == job.id)
        let unusable = try CancelJobIngest.fromReport(
            path: try Self.write("x.csv", "a,b\n1,2\n"), options: CancelJobOptions(comment: "c"), target: nil, store: store,
            now: Date())
        #expect(unusable.creation == .aborted)
        #expect(unusable.fileErrors.count == 1)
    }
}
