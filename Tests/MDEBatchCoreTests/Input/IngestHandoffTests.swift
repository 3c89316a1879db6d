import Foundation
import MDEBatchTestSupport
import Testing

@testable import MDEBatchCore

/// The ingest's second thread (`IngestPipeline.runOnSecondThread`) hands over exactly the
/// rows `run` gives, in order, and stops with the consumer.
struct IngestHandoffTests {
    /// A seeded CSV of valid rows, duplicates, bad ids and quoted comments.
    static func csv(rows: Int, generator: inout SeededGenerator) -> String {
        var lines = ["MachineId,Sha1,Comment"]
        var seen: [String] = []
        for index in 0..<rows {
            let machine = String(format: "%040x", UInt64.random(in: 0..<50, using: &generator))
            let sha1 = String(format: "%040x", index)
            switch UInt8.random(in: 0..<10, using: &generator) {
            case 0 where !seen.isEmpty: lines.append(seen.randomElement(using: &generator)!)
            case 1: lines.append("not-an-id,\(sha1),bad")
            case 2: lines.append("\(machine),\(sha1),\"quoted, with \"\"quotes\"\"\"")
            default:
                let line = "\(machine),\(sha1),row \(index)"
                seen.append(line)
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func describe(_ row: IngestedRow) -> String {
        "\(row.location) \(row.machineId) \(row.sha1) \(row.comment) \(row.verdict)"
    }

    @Test(arguments: [(1, 1), (7, 2), (1024, 8)])
    func everyRowArrivesInOrderAsRunGivesIt(batchSize: Int, capacity: Int) throws {
        var generator = SeededGenerator.fromEnvironment()
        let path = try writeTemporaryFile("rows.csv", Self.csv(rows: 5000, generator: &generator))
        let sources = [InputSource.file(path: path), .file(path: try fixturePath("reasons.csv"))]
        let pipeline = IngestPipeline(options: IngestOptions())

        var expected: [String] = []
        let direct = try pipeline.run(sources) { expected.append(Self.describe($0)) }
        var handed: [String] = []
        let threaded = try pipeline.runOnSecondThread(sources, batchSize: batchSize, capacity: capacity) {
            handed.append(Self.describe($0))
        }

        #expect(handed.count == direct.rowCount, "seed \(generator.seed)")
        #expect(handed == expected, "seed \(generator.seed)")
        #expect(threaded.rowCount == direct.rowCount)
        #expect(threaded.validCount == direct.validCount)
        #expect(threaded.duplicateCount == direct.duplicateCount, "seed \(generator.seed)")
        #expect(threaded.invalidCounts == direct.invalidCounts)
        #expect(threaded.fingerprint == direct.fingerprint)
        #expect(direct.duplicateCount > 0 && !direct.invalidCounts.isEmpty, "the input exercises every verdict")
    }

    @Test
    func anUnusableInputIsAFileErrorAndTheNextInputIsRead() throws {
        let missing = "/nonexistent/mdebatch-\(UUID().uuidString).csv"
        let sources = [InputSource.file(path: missing), .file(path: try fixturePath("reasons.csv"))]
        let pipeline = IngestPipeline(options: IngestOptions())
        let direct = try pipeline.run(sources) { _ in }
        var count = 0
        let threaded = try pipeline.runOnSecondThread(sources) { _ in count += 1 }
        #expect(threaded.fileErrors == direct.fileErrors)
        #expect(threaded.fileErrors.count == 1)
        #expect(count == direct.rowCount && count > 0)
    }

    struct InsertFailed: Error, Equatable {}

    /// The consumer's error comes back to the caller and the reading thread stops at its
    /// next batch instead of reading the rest (or waiting forever on a full queue).
    @Test(.timeLimit(.minutes(1)))
    func theConsumersErrorStopsTheReaderAndIsRethrown() throws {
        var generator = SeededGenerator.fromEnvironment()
        let path = try writeTemporaryFile("rows.csv", Self.csv(rows: 20_000, generator: &generator))
        let pipeline = IngestPipeline(options: IngestOptions())
        var taken = 0
        #expect(throws: InsertFailed()) {
            _ = try pipeline.runOnSecondThread([.file(path: path)], batchSize: 16, capacity: 2) { _ in
                taken += 1
                if taken == 100 { throw InsertFailed() }
            }
        }
        #expect(taken == 100)
        // The same pipeline still runs to the end afterwards: nothing was left holding it.
        var all = 0
        _ = try pipeline.runOnSecondThread([.file(path: path)]) { _ in all += 1 }
        #expect(all == 20_000)
    }
}
