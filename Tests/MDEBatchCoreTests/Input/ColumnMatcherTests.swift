import Foundation
import MDEBatchCore
import Testing

struct ColumnMatcherTests {
    typealias IDs = FixtureIDs

    static let machineAliases = [
        "machineId", "machine_id", "Machine ID", "deviceId", "DeviceId", "device_id", "Device ID", "MACHINE-ID",
        "device.id",
    ]
    static let sha1Aliases = ["sha1", "SHA1", "sha-1", "FileSha1", "file_sha1", "File SHA1"]
    static let commentAliases = ["comment", "Comment", "requestorComment", "reason", "Requestor_Comment"]

    @Test(arguments: machineAliases)
    func machineIdAliasIsRecognised(_ name: String) throws {
        let result = try read(header: "\(name),sha1,comment")
        #expect(result.valid.count == 1)
    }

    @Test(arguments: sha1Aliases)
    func sha1AliasIsRecognised(_ name: String) throws {
        let result = try read(header: "machineId,\(name),comment")
        #expect(result.valid.count == 1)
    }

    @Test(arguments: commentAliases)
    func commentAliasIsRecognised(_ name: String) throws {
        let result = try read(header: "machineId,sha1,\(name)")
        #expect(result.valid.first?.comment == "the comment")
    }

    @Test func unknownCommentColumnMeansNoCommentUnlessADefaultIsGiven() throws {
        let withoutDefault = try read(header: "machineId,sha1,Notes")
        #expect(withoutDefault.reasons == [.missingComment])
        let withDefault = try read(
            header: "machineId,sha1,Notes", options: IngestOptions(defaultComment: "  INC-42 cleanup "))
        #expect(withDefault.valid.first?.comment == "INC-42 cleanup")
    }

    @Test func overridesReplaceTheAliases() throws {
        let options = IngestOptions(machineColumn: "computer", sha1Column: "HASH", commentColumn: "why")
        let result = try ingestFixtures(["aliases-override.csv"], options: options)
        #expect(result.valid == [NormalizedRow(machineId: IDs.m1, sha1: IDs.s1, comment: "override comment")])
    }

    @Test func overrideThatMatchesNothingNamesTheOverride() throws {
        let path = try fixturePath("crlf.csv")
        let result = try ingest([path], options: IngestOptions(sha1Column: "Hash"))
        #expect(
            result.summary.fileErrors == [
                .missingColumn(
                    source: path, column: "sha1", lookedFor: ["\"Hash\""], found: ["machineId", "sha1", "comment"])
            ]
        )
    }

    @Test func bestRankedAliasWinsWhenSeveralMatch() throws {
        // `machineId` ranks before `DeviceId`; the DeviceId column holds junk.
        let text = "DeviceId,machineId,sha1,comment\nnot-an-id,\(IDs.m1),\(IDs.s1),x\n"
        let result = try ingest([try writeTemporaryFile("both.csv", text)])
        #expect(result.valid.first?.machineId == IDs.m1)
    }

    private func read(header: String, options: IngestOptions = IngestOptions()) throws -> IngestResult {
        let text = header + "\n\(IDs.m1),\(IDs.s1),the comment\n"
        return try ingest([try writeTemporaryFile("aliases.csv", text)], options: options)
    }
}
