import Foundation
import MDEBatchCore
import Testing

struct FingerprintTests {
    @Test func sameInputsGiveTheSameFingerprint() throws {
        let first = try ingestFixtures(["crlf.csv", "tab.tsv"])
        let again = try ingestFixtures(["crlf.csv", "tab.tsv"])
        #expect(first.summary.fingerprint == again.summary.fingerprint)
        #expect(first.summary.fingerprint.count == 64)
        #expect(first.summary.fingerprint.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test func fingerprintDependsOnContentAndOrderNotOnTheName() throws {
        let text = try String(contentsOfFile: try fixturePath("crlf.csv"), encoding: .utf8)
        let copy = try writeTemporaryFile("renamed.csv", text)
        let original = try ingestFixtures(["crlf.csv"]).summary.fingerprint
        #expect(try ingest([copy]).summary.fingerprint == original)

        let edited = try writeTemporaryFile("edited.csv", text + "\r\n")
        #expect(try ingest([edited]).summary.fingerprint != original)

        let forward = try ingestFixtures(["crlf.csv", "tab.tsv"]).summary.fingerprint
        let backward = try ingestFixtures(["tab.tsv", "crlf.csv"]).summary.fingerprint
        #expect(forward != backward)
    }

    @Test func fingerprintCoversTheWholeFileEvenWhenItIsUnusable() throws {
        // The missing-column error stops reading early; the rest of the bytes still count.
        let first = try writeTemporaryFile("a.csv", "Device,Hash\n1,2\n")
        let second = try writeTemporaryFile("b.csv", "Device,Hash\n1,3\n")
        #expect(try ingest([first]).summary.fingerprint != (try ingest([second]).summary.fingerprint))
    }
}
