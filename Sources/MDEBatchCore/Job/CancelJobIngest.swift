import Crypto
import Foundation

/// The options that shape a cancel job; with the list of actions they make its
/// fingerprint, so the same `mdebatch cancel` command finds the same job.
public struct CancelJobOptions: Sendable, Hashable, Codable {
    /// The comment sent with every cancel (the job tag is appended when `commentTag`).
    public var comment: String
    public var commentTag: Bool
    /// Skip actions the state file already knows are final (`--include-final` turns it off).
    public var onlyOpen: Bool
    /// For `--from-report`: the format and action id column, when given.
    public var format: InputFormat?
    public var actionIdColumn: String?

    public init(
        comment: String, commentTag: Bool = true, onlyOpen: Bool = true, format: InputFormat? = nil,
        actionIdColumn: String? = nil
    ) {
        self.comment = comment
        self.commentTag = commentTag
        self.onlyOpen = onlyOpen
        self.format = format
        self.actionIdColumn = actionIdColumn
    }

    /// The comment when none is given.
    public static func defaultComment(parentJobId: String?) -> String {
        parentJobId.map { "Cancelled with mdebatch: actions of job \($0)" } ?? "Cancelled with mdebatch"
    }

    /// Canonical JSON (sorted keys): equal options give equal text.
    public var canonicalJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The options a cancel job was made with.
    public init(job: JobRecord) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(job.options.utf8))
    }

}

/// Problems with what a cancel job is asked to cancel.
public enum CancelJobError: Error, Equatable, CustomStringConvertible {
    /// `mdebatch cancel JOB` was given a cancel job.
    case notAQuarantineJob(id: String)

    public var description: String {
        switch self {
        case .notAQuarantineJob(let id):
            return
                "Job \(id) is a cancel job; give the quarantine job whose actions to cancel (see mdebatch jobs), or resume it with \(ResumeHint.command(jobId: id, statePath: nil))."
        }
    }
}

/// Makes a cancel job from a quarantine job or from a file of action ids, or finds the
/// cancel job the same command made before.
public enum CancelJobIngest {
    public struct Result: Sendable {
        public var creation: JobCreation
        /// Inputs that could not be used at all (exit 65); nothing was written.
        public var fileErrors: [InputError] = []
        /// Rows with no action id (a report's failed or rejected rows): nothing to cancel.
        public var withoutActionId = 0
        /// For `cancel JOB`: rows of the quarantine job still open, whose action id is not known yet.
        public var parentOpenRows = 0
        /// Rows marked `already-final` without a call, because the state file knows they are final.
        public var knownFinal = 0
    }

    /// A cancel job for every action id the quarantine job `parent` holds; it belongs to
    /// the parent's target, where those actions are.
    public static func fromJob(
        _ parent: JobRecord, options: CancelJobOptions, pacing: JobPacing = .defaults, store: StateStore, now: Date,
        anew: Bool = false
    ) throws -> Result {
        guard parent.kind == .quarantine else { throw CancelJobError.notAQuarantineJob(id: parent.id) }
        let rows = try store.actionRows(jobId: parent.id)
        let parentOpenRows = try store.openRowCount(jobId: parent.id)
        let creation = try store.createJob(
            NewJob(
                kind: .cancel, inputs: [parent.id], options: options.canonicalJSON, parentJobId: parent.id,
                target: parent.effectivePlan.target, commentTag: options.commentTag, pacing: pacing), now: now, anew: anew
        ) { inserter in
            var hasher = SHA256()
            hasher.update(data: Data("job:\(parent.id)\n".utf8))
            var first: [String: RowLocation] = [:]
            for row in rows {
                guard let actionId = row.actionId else { continue }
                hasher.update(data: Data((actionId + "\n").utf8))
                let location = RowLocation(source: row.source, line: row.line)
                try inserter.insert(
                    newRow(
                        location: location, actionId: actionId, machineId: row.machineId, sha1: row.sha1, options: options,
                        firstAt: &first))
            }
            return hasher.finalize().map { String(format: "%02x", $0) }.joined()
        }
        if try needsNewJob(creation, options: options, store: store) {
            return try fromJob(parent, options: options, pacing: pacing, store: store, now: now, anew: true)
        }
        var result = Result(creation: creation, parentOpenRows: parentOpenRows)
        try finish(&result, options: options, store: store, now: now)
        return result
    }

    /// A cancel job for every action id in the file at `path`.
    public static func fromReport(
        path: String, options: CancelJobOptions, target: JobTarget?, pacing: JobPacing = .defaults, store: StateStore, now: Date,
        anew: Bool = false
    ) throws -> Result {
        let reader = ActionIdReader(format: options.format, column: options.actionIdColumn)
        var withoutActionId = 0
        var fileErrors: [InputError] = []
        let creation = try store.createJob(
            NewJob(
                kind: .cancel, inputs: [path], options: options.canonicalJSON, target: target, commentTag: options.commentTag,
                pacing: pacing), now: now, anew: anew
        ) { inserter in
            var first: [String: RowLocation] = [:]
            do {
                return try reader.read(path: path) { row in
                    if let problem = row.problem {
                        try inserter.insert(
                            NewRow(
                                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                                comment: options.comment, state: .invalid, errorCode: RejectionReason.malformedRow.rawValue,
                                errorMessage: problem))
                        return
                    }
                    if row.actionId.isEmpty {
                        withoutActionId += 1
                        return
                    }
                    guard let actionId = row.normalizedActionId else {
                        try inserter.insert(
                            NewRow(
                                source: row.location.source, line: row.location.line, machineId: row.machineId, sha1: row.sha1,
                                comment: options.comment, state: .invalid, errorCode: "invalid-action-id",
                                errorMessage:
                                    "\(row.location): '\(row.actionId.prefix(80))' is not a machine action id (a GUID such as 988cc94e-7a8f-4b28-ab65-54970c5d5018)"
                            ))
                        return
                    }
                    try inserter.insert(
                        newRow(
                            location: row.location, actionId: actionId, machineId: row.machineId, sha1: row.sha1,
                            options: options,
                            firstAt: &first))
                }
            } catch let error as InputError {
                fileErrors.append(error)
                return nil
            }
        }
        if try needsNewJob(creation, options: options, store: store) {
            return try fromReport(
                path: path, options: options, target: target, pacing: pacing, store: store, now: now, anew: true)
        }
        var result = Result(creation: creation, fileErrors: fileErrors, withoutActionId: withoutActionId)
        try finish(&result, options: options, store: store, now: now)
        return result
    }

    private static func newRow(
        location: RowLocation, actionId: String, machineId: String, sha1: String, options: CancelJobOptions,
        firstAt first: inout [String: RowLocation]
    ) -> NewRow {
        if let earlier = first[actionId] {
            return NewRow(
                source: location.source, line: location.line, machineId: machineId, sha1: sha1, comment: options.comment,
                state: .duplicate, errorCode: "duplicate", errorMessage: "duplicate of \(earlier)", targetActionId: actionId)
        }
        first[actionId] = location
        return NewRow(
            source: location.source, line: location.line, machineId: machineId, sha1: sha1, comment: options.comment,
            state: .pending, targetActionId: actionId)
    }

    /// Whether the job found has other options than these: refused while it has rows to
    /// send (`PlanConflict`); a complete one leaves room for a new job.
    private static func needsNewJob(_ creation: JobCreation, options: CancelJobOptions, store: StateStore) throws -> Bool {
        guard case .existing(let job) = creation, let stored = try? CancelJobOptions(job: job) else { return false }
        let differences = stored.differences(from: options)
        if differences.isEmpty { return false }
        guard try store.openRowCount(jobId: job.id) == 0 else {
            throw PlanConflict.whatIsSent(jobId: job.id, differences: differences)
        }
        return true
    }

    private static func finish(_ result: inout Result, options: CancelJobOptions, store: StateStore, now: Date) throws {
        if options.onlyOpen, let job = result.creation.job {
            result.knownFinal = try store.skipKnownFinalTargets(jobId: job.id, now: now)
        }
    }
}
