import Foundation
import MDEBatchCore
import Testing

/// Rows that name their device by name or their file by SHA-256 (docs/INPUTS.md, "Names and SHA-256").
struct NameAndSHA256InputTests {
    typealias IDs = FixtureIDs
    static let sha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test func advancedHuntingColumnsAreTakenAndKeptForResolution() throws {
        let path = try writeTemporaryFile(
            "hunting.csv",
            """
            Timestamp,DeviceName,FileName,SHA256,Comment
            2026-11-21T03:00:00Z,PC-042.contoso.com,a.exe,\(Self.sha256.uppercased()),first
            2026-11-21T03:00:01Z,pc-043,b.exe,\(Self.sha256),second

            """)
        let result = try ingest([path])
        #expect(result.summary.validCount == 2)
        #expect(result.summary.toResolve == 2)
        #expect(result.summary.distinctNames == 2)
        #expect(result.summary.distinctSHA256 == 1)
        #expect(
            result.valid == [
                NormalizedRow(machineId: "", sha1: "", comment: "first", deviceName: "PC-042.contoso.com", sha256: Self.sha256),
                NormalizedRow(machineId: "", sha1: "", comment: "second", deviceName: "pc-043", sha256: Self.sha256),
            ])
    }

    @Test func anIdWinsOverANameAndASHA1OverASHA256() throws {
        let path = try writeTemporaryFile(
            "both.csv",
            """
            DeviceId,DeviceName,SHA1,SHA256,Comment
            \(IDs.m1),pc-042,\(IDs.s1),\(Self.sha256),both given
            ,pc-042,\(IDs.s1),\(Self.sha256),name only

            """)
        let result = try ingest([path])
        #expect(
            result.valid == [
                NormalizedRow(machineId: IDs.m1, sha1: IDs.s1, comment: "both given"),
                NormalizedRow(machineId: "", sha1: IDs.s1, comment: "name only", deviceName: "pc-042"),
            ])
        #expect(result.summary.toResolve == 1)
    }

    @Test func aSHA256InTheSHA1ColumnIsResolvedUnlessNoResolve() throws {
        let path = try writeTemporaryFile("sha.csv", "DeviceId,SHA1,Comment\n\(IDs.m1),\(Self.sha256),c\n")
        #expect(try ingest([path]).valid == [NormalizedRow(machineId: IDs.m1, sha1: "", comment: "c", sha256: Self.sha256)])
        #expect(try ingest([path], options: IngestOptions(resolve: false)).reasons == [.sha256NotAccepted])
    }

    @Test func namesDuplicateWithoutRegardToCaseOrATrailingDot() throws {
        let path = try writeTemporaryFile(
            "dups.csv",
            """
            DeviceName,SHA1,Comment
            PC-042,\(IDs.s1),one
            pc-042.,\(IDs.s1),two
            pc-042,\(IDs.s2),three

            """)
        let result = try ingest([path])
        #expect(result.summary.validCount == 2)
        #expect(result.summary.duplicateCount == 1)
        guard case .duplicate(let first) = result.rows[1].verdict else {
            Issue.record("expected a duplicate, got \(result.rows[1].verdict)")
            return
        }
        #expect(first.line == 2)
    }

    @Test(arguments: [
        ("pc 042", "contains \" \""), ("pc'042", "contains \"'\""), ("c:\\\\pc", "contains \":\""),
        (String(repeating: "a", count: 256), "over 255"),
    ])
    func aNameThatCannotBeAHostIsInvalid(name: String, message: String) throws {
        let path = try writeTemporaryFile("bad.csv", "DeviceName,SHA1,Comment\n\"\(name)\",\(IDs.s1),c\n")
        let result = try ingest([path])
        guard case .invalid(let reason, let text) = try #require(result.rows.first).verdict else {
            Issue.record("expected invalid")
            return
        }
        #expect(reason == .invalidDeviceName)
        #expect(text.contains(message), "\(text)")
    }

    @Test func aSHA256ColumnValueThatIsNot64HexIsInvalid() throws {
        let path = try writeTemporaryFile("bad.csv", "DeviceId,SHA256,Comment\n\(IDs.m1),abc,c\n")
        #expect(try ingest([path]).reasons == [.invalidSHA256])
    }

    @Test func noResolveIgnoresNameAndSHA256Columns() throws {
        let path = try writeTemporaryFile("names.csv", "DeviceName,SHA256,Comment\npc-042,\(Self.sha256),c\n")
        let result = try ingest([path], options: IngestOptions(resolve: false))
        let error = try #require(result.summary.fileErrors.first)
        #expect(error.description.contains("has no machine id column"))
        #expect(!error.description.contains("DeviceName,"))
    }

    @Test func jsonLinesTakeNamesAndSHA256Too() throws {
        let path = try writeTemporaryFile(
            "names.jsonl", "{\"DeviceName\":\"pc-042\",\"SHA256\":\"\(Self.sha256)\",\"Comment\":\"c\"}\n")
        #expect(
            try ingest([path]).valid == [
                NormalizedRow(machineId: "", sha1: "", comment: "c", deviceName: "pc-042", sha256: Self.sha256)
            ])
    }

    @Test(arguments: [
        ("pc-042", "pc-042.contoso.com", true), ("pc-042", "PC-042", true), ("pc-042", "pc-0420.contoso.com", false),
        ("pc-042.contoso.com", "pc-042.contoso.com", true), ("pc-042.contoso.com", "pc-042", false),
        ("pc-042.contoso.com", "pc-042.fabrikam.com", false), ("PC-042.", "pc-042.contoso.com.", true),
    ])
    func namesMatchTheFirstLabelOrExactly(given: String, record: String, matches: Bool) {
        #expect(DeviceName.matches(DeviceName.key(given), computerDnsName: record) == matches)
    }
}
