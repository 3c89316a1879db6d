import Foundation
import MDEBatchCore
import Testing

struct DeduplicationTests {
    typealias IDs = FixtureIDs

    @Test func duplicatePointsToTheFirstRowAcrossFiles() throws {
        // Given two files that repeat keys within and across files (case differs)
        let first = try fixturePath("duplicates-a.csv")
        let second = try fixturePath("duplicates-b.csv")
        // When both are read in one run
        let result = try ingest([first, second])
        // Then the first occurrence wins and later ones point at it
        #expect(result.lines == [2, 3, 4, 2, 3])
        #expect(result.rows[2].verdict == .duplicate(of: RowLocation(source: first, line: 2)))
        #expect(result.rows[3].verdict == .duplicate(of: RowLocation(source: first, line: 3)))
        #expect(result.rows[3].verdict.errorMessage == "duplicate of \(first):3")
        #expect(result.rows[3].verdict.errorCode == "duplicate")
        #expect(result.summary.validCount == 3)
        #expect(result.summary.duplicateCount == 2)
        #expect(result.summary.rowCount == 5)
    }

    @Test func sameMachineWithOtherFileOrSameFileOnOtherMachineIsNotADuplicate() throws {
        let text = "machineId,sha1,comment\n\(IDs.m1),\(IDs.s1),a\n\(IDs.m1),\(IDs.s2),b\n\(IDs.m2),\(IDs.s1),c\n"
        let result = try ingest([try writeTemporaryFile("distinct.csv", text)])
        #expect(result.summary.validCount == 3)
        #expect(result.summary.duplicateCount == 0)
    }

    @Test func invalidRowsAreNeverDuplicatesOrOriginals() throws {
        let text =
            "machineId,sha1,comment\n\(IDs.m1),\(IDs.s1),\n\(IDs.m1),\(IDs.s1),second\n\(IDs.m1),\(IDs.s1),third\n"
        let result = try ingest([try writeTemporaryFile("invalid-first.csv", text)])
        #expect(result.reasons == [.missingComment, nil, nil])
        #expect(result.rows[2].verdict == .duplicate(of: RowLocation(source: result.rows[1].location.source, line: 3)))
    }

    @Test func manyDistinctKeysAreAllKept() throws {
        // Enough keys to grow the table several times; every 10th row repeats an earlier one.
        var text = "machineId,sha1,comment\n"
        var expectedDuplicates = 0
        for index in 0..<20_000 {
            let key = index % 10 == 9 ? index - 5 : index
            if index % 10 == 9 { expectedDuplicates += 1 }
            let hex = String(key, radix: 16)
            text += String(repeating: "0", count: 40 - hex.count) + hex + "," + IDs.s1 + ",c\n"
        }
        let result = try ingest([try writeTemporaryFile("many.csv", text)])
        #expect(result.summary.duplicateCount == expectedDuplicates)
        #expect(result.summary.validCount == 20_000 - expectedDuplicates)
        #expect(result.rows[9].verdict == .duplicate(of: RowLocation(source: result.rows[0].location.source, line: 6)))
    }
}
