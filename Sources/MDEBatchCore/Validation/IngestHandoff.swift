import Foundation

/// A bounded queue of row batches from the thread that reads and validates the inputs to the
/// thread that stores them, so that parsing overlaps SQLite's inserts
/// (docs/PERFORMANCE.md, "The dry run: where the time and the bytes go").
///
/// One producer, one consumer, first in first out: rows arrive in input order. At most
/// `capacity` batches wait, so memory stays bounded whatever the input's size.
final class IngestHandoff: @unchecked Sendable {
    /// Thrown to the producer when the consumer gave up (its insert failed).
    struct Abandoned: Error {}

    private let condition = NSCondition()
    private let capacity: Int
    // Guarded by `condition`.
    private var batches: [[IngestedRow]] = []
    private var outcome: Result<IngestSummary, any Error>?
    private var abandoned = false

    init(capacity: Int) {
        precondition(capacity > 0, "a handoff holds at least one batch")
        self.capacity = capacity
    }

    /// Producer: waits while `capacity` batches are waiting.
    ///
    /// - Throws: `Abandoned` once the consumer stopped taking.
    func put(_ batch: [IngestedRow]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= capacity, !abandoned { condition.wait() }
        if abandoned { throw Abandoned() }
        batches.append(batch)
        condition.broadcast()
    }

    /// Producer: the end of the rows, with the pipeline's summary or error.
    func finish(_ result: Result<IngestSummary, any Error>) {
        condition.lock()
        defer { condition.unlock() }
        outcome = result
        condition.broadcast()
    }

    /// Consumer: the next batch, or nil at the end (then `outcome` is set).
    func take() -> [IngestedRow]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty, outcome == nil { condition.wait() }
        guard !batches.isEmpty else { return nil }
        // At most `capacity` batches wait: taking the first moves a handful of references.
        let batch = batches.removeFirst()
        condition.broadcast()
        return batch
    }

    /// Consumer: stops taking; a producer waiting in `put` throws `Abandoned`.
    func abandon() {
        condition.lock()
        defer { condition.unlock() }
        abandoned = true
        condition.broadcast()
    }

    /// Waits for the producer's end and returns it.
    func waitForOutcome() -> Result<IngestSummary, any Error> {
        condition.lock()
        defer { condition.unlock() }
        while outcome == nil { condition.wait() }
        return outcome!
    }
}

extension IngestPipeline {
    /// `run(_:onRow:)` with the reading, validating and deduplicating on a thread of its own:
    /// `onRow` is called on the caller's thread, for every row in input order, while the next
    /// rows are read. Returns when both are done; the second thread never outlives the call.
    ///
    /// - Throws: what `onRow` throws (the reading thread then stops at its next batch).
    func runOnSecondThread(
        _ sources: [InputSource], batchSize: Int = 1024, capacity: Int = 8, onRow: (IngestedRow) throws -> Void
    ) throws -> IngestSummary {
        let handoff = IngestHandoff(capacity: capacity)
        let pipeline = self
        let reader = Thread {
            var batch: [IngestedRow] = []
            batch.reserveCapacity(batchSize)
            let result = Result {
                let summary = try pipeline.run(sources) { row in
                    batch.append(row)
                    if batch.count == batchSize {
                        try handoff.put(batch)
                        batch = []
                        batch.reserveCapacity(batchSize)
                    }
                }
                if !batch.isEmpty { try handoff.put(batch) }
                return summary
            }
            handoff.finish(result)
        }
        // Parsing keeps little on its stack, but a secondary thread's default is small.
        reader.stackSize = 8 << 20
        reader.start()
        do {
            while let batch = handoff.take() {
                for row in batch { try onRow(row) }
            }
        } catch {
            handoff.abandon()
            _ = handoff.waitForOutcome()
            throw error
        }
        return try handoff.waitForOutcome().get()
    }
}
