import Foundation

/// The options that shape a quarantine job's rows; with the inputs' content they make
/// the job's fingerprint, so the same command finds the same job.
public struct QuarantineJobOptions: Sendable, Hashable, Codable {
    public var ingest: IngestOptions
    public var commentTag: Bool
    public var resubmit: Bool

    public init(ingest: IngestOptions, commentTag: Bool = true, resubmit: Bool = false) {
        self.ingest = ingest
        self.commentTag = commentTag
        self.resubmit = resubmit
    }

    /// Canonical JSON (sorted keys): equal options give equal text.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// Reads inputs into a new job, or finds the job the same inputs made before.
public enum JobIngest {
    public struct Result: Sendable {
        public var creation: JobCreation
        public var summary: IngestSummary
    }

    /// Ingests `sources` in one transaction. When an input is unusable nothing is written
    /// (`creation == .aborted`) and the summary's `fileErrors` say why.
    public static func ingest(
        _ sources: [InputSource], names: [String], options: QuarantineJobOptions, store: StateStore, now: Date
    ) throws -> Result {
        // Files can be recognized by their bytes before anything is parsed: a re-run of a
        // million-row job resumes at once instead of ingesting (and rolling back) again.
        let paths = sources.compactMap { source -> String? in
            if case .file(let path) = source { return path }
            return nil
        }
        if paths.count == sources.count, let content = IngestPipeline.fingerprint(ofFiles: paths),
            let job = try store.job(kind: .quarantine, fingerprint: StateStore.fingerprint(kind: .quarantine, content: content, options: options.canonicalJSON))
        {
            return Result(creation: .existing(job), summary: try store.ingestSummary(jobId: job.id, fingerprint: content))
        }
        let pipeline = IngestPipeline(options: options.ingest)
        var summary: IngestSummary?
        let creation = try store.createJob(
            NewJob(kind: .quarantine, inputs: names, options: options.canonicalJSON, resubmit: options.resubmit), now: now
        ) { inserter in
            let result = try pipeline.run(sources) { row in
                try inserter.insert(NewRow(row))
            }
            summary = result
            return result.fileErrors.isEmpty ? result.fingerprint : nil
        }
        return Result(creation: creation, summary: summary!)
    }
}

extension NewRow {
    /// The store's row for an ingested row.
    public init(_ row: IngestedRow) {
        switch row.verdict {
        case .valid(let normalized):
            self.init(
                source: row.location.source, line: row.location.line, machineId: normalized.machineId,
                sha1: normalized.sha1, comment: normalized.comment, state: .pending)
        case .invalid(let reason, let message):
            self.init(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .invalid, errorCode: reason.rawValue, errorMessage: message)
        case .duplicate(let first):
            self.init(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .duplicate, errorCode: "duplicate", errorMessage: "duplicate of \(first)")
        }
    }
}
