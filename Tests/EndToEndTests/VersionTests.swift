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
        #expect(text.trimmingCharacters(in: .whitespacesAndNewlines) == MDEBatchVersion.current)
    }
}
