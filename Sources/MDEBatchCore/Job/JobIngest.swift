import Foundation

/// The options that decide what a quarantine job sends; stored with the job, and compared
/// with the options of every later command that finds the same job (`PlanConflict`).
public struct QuarantineJobOptions: Sendable, Hashable, Codable {
    public var ingest: IngestOptions
    public var commentTag: Bool
    public var resubmit: Bool
    /// Send to every device a name could mean instead of ending the row
    /// `ambiguous-device-name` (`--all-matches`).
    public var allMatches: Bool

    public init(ingest: IngestOptions, commentTag: Bool = true, resubmit: Bool = false, allMatches: Bool = false) {
        self.ingest = ingest
        self.commentTag = commentTag
        self.resubmit = resubmit
        self.allMatches = allMatches
    }

    private enum CodingKeys: String, CodingKey {
        case ingest, commentTag, resubmit, allMatches
    }

    // `allMatches` is written only when on, so jobs made before it keep their identity.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            ingest: try container.decode(IngestOptions.self, forKey: .ingest),
            commentTag: try container.decode(Bool.self, forKey: .commentTag),
            resubmit: try container.decode(Bool.self, forKey: .resubmit),
            allMatches: try container.decodeIfPresent(Bool.self, forKey: .allMatches) ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ingest, forKey: .ingest)
        try container.encode(commentTag, forKey: .commentTag)
        try container.encode(resubmit, forKey: .resubmit)
        if allMatches { try container.encode(true, forKey: .allMatches) }
    }

    /// The options a quarantine job was made with.
    public init(job: JobRecord) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(job.options.utf8))
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
    ///
    /// The same inputs for the same target find the job they made before. Its options must
    /// match `options` while it has rows to send (else `PlanConflict`, nothing written); a
    /// complete job with other options leaves room for a new one. A job made without a
    /// target (a dry run without credentials) is bound to `target`.
    public static func ingest(
        _ sources: [InputSource], names: [String], options: QuarantineJobOptions, target: JobTarget?,
        pacing: JobPacing = .defaults, store: StateStore, now: Date
    ) throws -> Result {
        var result =
            try find(sources, options: options, target: target, store: store)
            ?? create(sources, names: names, options: options, target: target, pacing: pacing, store: store, now: now)
        if case .existing(var job) = result.creation {
            let stored = try? QuarantineJobOptions(job: job)
            if let stored {
                let differences = stored.differences(from: options)
                if !differences.isEmpty {
                    guard try store.openRowCount(jobId: job.id) == 0 else {
                        throw PlanConflict.whatIsSent(jobId: job.id, differences: differences)
                    }
                    return try create(
                        sources, names: names, options: options, target: target, pacing: pacing, store: store, now: now,
                        anew: true)
                }
            }
            if job.targetKey == nil, let target {
                job = try store.bind(jobId: job.id, to: target, resubmit: options.resubmit, now: now)
                result.creation = .existing(job)
            }
        }
        return result
    }

    /// Finds the job of these files without parsing them, by their bytes.
    private static func find(_ sources: [InputSource], options: QuarantineJobOptions, target: JobTarget?, store: StateStore)
        throws -> Result?
    {
        // Files can be recognized by their bytes before anything is parsed: a re-run of a
        // million-row job resumes at once instead of ingesting (and rolling back) again.
        let paths = sources.compactMap { source -> String? in
            if case .file(let path) = source { return path }
            return nil
        }
        if paths.count == sources.count, let content = IngestPipeline.fingerprint(ofFiles: paths),
            let job = try store.job(
                kind: .quarantine, fingerprint: StateStore.fingerprint(kind: .quarantine, content: content),
                targetKey: target?.key,
                options: options.canonicalJSON)
        {
            return Result(creation: .existing(job), summary: try store.ingestSummary(jobId: job.id, fingerprint: content))
        }
        return nil
    }

    private static func create(
        _ sources: [InputSource], names: [String], options: QuarantineJobOptions, target: JobTarget?, pacing: JobPacing,
        store: StateStore, now: Date, anew: Bool = false
    ) throws -> Result {
        let pipeline = IngestPipeline(options: options.ingest)
        var summary: IngestSummary?
        let creation = try store.createJob(
            NewJob(
                kind: .quarantine, inputs: names, options: options.canonicalJSON, resubmit: options.resubmit, target: target,
                commentTag: options.commentTag, pacing: pacing), now: now, anew: anew
        ) { inserter in
            // The inputs are read and validated on a second thread while SQLite inserts.
            let result = try pipeline.runOnSecondThread(sources) { row in
                try inserter.insert(row)
            }
            summary = result
            return result.fileErrors.isEmpty ? result.fingerprint : nil
        }
        return Result(creation: creation, summary: summary!)
    }
}

extension RowInserter {
    /// Inserts an ingested row as the store keeps it: a valid row as normalized (`unresolved`
    /// when a name or SHA-256 must be looked up first), an invalid or duplicate one as read,
    /// with its reason. Its strings are passed on as they are, without a ``NewRow``.
    func insert(_ row: IngestedRow) throws {
        switch row.verdict {
        case .valid(let normalized):
            try insert(
                source: row.location.source, line: row.location.line, machineId: normalized.machineId,
                sha1: normalized.sha1, comment: normalized.comment,
                state: normalized.needsResolution ? .unresolved : .pending, errorCode: nil, errorMessage: nil,
                targetActionId: nil, deviceName: normalized.deviceName, inputHash: normalized.sha256)
        case .invalid(let reason, let message):
            try insert(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .invalid, errorCode: reason.rawValue, errorMessage: message,
                targetActionId: nil, deviceName: row.deviceName.isEmpty ? nil : row.deviceName,
                inputHash: row.sha256.isEmpty ? nil : row.sha256)
        case .duplicate(let first):
            try insert(
                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                comment: row.comment, state: .duplicate, errorCode: "duplicate", errorMessage: "duplicate of \(first)",
                targetActionId: nil, deviceName: row.deviceName.isEmpty ? nil : row.deviceName,
                inputHash: row.sha256.isEmpty ? nil : row.sha256)
        }
    }
}
