import Foundation
import MDEBatchCore
import Testing

struct VersionTests {
    @Test func binaryPrintsItsVersion() throws {
        let process = Process()
        process.executableURL = BinaryLocator.mdebatch
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        // The version and the commit it was built from (`+changes` when the tree was not clean).
        let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasPrefix(MDEBatchVersion.current + " (commit "), "\(line)")
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["git", "-C", Repository.root.path, "rev-parse", "--short=12", "HEAD"]
        let head = Pipe()
        git.standardOutput = head
        try git.run()
        git.waitUntilExit()
        let commit = String(decoding: head.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if git.terminationStatus == 0, !commit.isEmpty {
            #expect(line.contains("commit \(commit)"), "\(line) is not built from HEAD \(commit)")
        }
    }
}
