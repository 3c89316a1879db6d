/// One option whose given value differs from the job's.
public struct PlanDifference: Sendable, Hashable {
    /// The option as the user types it, e.g. `--no-comment-tag`.
    public var option: String
    public var jobValue: String
    public var given: String

    public init(option: String, jobValue: String, given: String) {
        self.option = option
        self.jobValue = jobValue
        self.given = given
    }

    /// Collects the differences that `compare(option, job's value, given value)` finds.
    static func collect(_ body: (_ compare: (String, String?, String?) -> Void) -> Void) -> [PlanDifference] {
        var differences: [PlanDifference] = []
        body { option, mine, theirs in
            if mine != theirs {
                differences.append(
                    PlanDifference(option: option, jobValue: mine ?? "(not given)", given: theirs ?? "(not given)"))
            }
        }
        return differences
    }
}

/// A command gave a job options that would change what it sends, or pointed it at
/// another target: nothing is sent (exit 64).
public enum PlanConflict: Error, Sendable, Hashable, CustomStringConvertible {
    /// Options that decide what a request carries differ from the job's.
    case whatIsSent(jobId: String, differences: [PlanDifference])
    /// The credentials or API base point at another target than the job's.
    case target(jobId: String, job: JobTarget, given: JobTarget)

    public var description: String {
        switch self {
        case .whatIsSent(let jobId, let differences):
            let lines = differences.map { "  \($0.option): the job's \($0.jobValue), given \($0.given)" }
            return
                (["Job \(jobId) was created with other options that decide what it sends; nothing was sent."] + lines
                + [
                    "What a job sends is fixed when it is created: resume it as it was with "
                        + "`\(ResumeHint.command(jobId: jobId, statePath: nil))`, with the same --state if you gave one."
                ])
                .joined(separator: "\n")
        case .target(let jobId, let job, let given):
            return """
                Job \(jobId) belongs to \(job), but this command points at \(given); nothing was sent.
                Use the credentials and API base of the job's target (or start a new job for the other target with mdebatch run).
                """
        }
    }
}

extension QuarantineJobOptions {
    /// The options of `given` that differ from these (the job's), as the user types them.
    public func differences(from given: QuarantineJobOptions) -> [PlanDifference] {
        PlanDifference.collect { compare in
            compare("--format", ingest.format?.rawValue, given.ingest.format?.rawValue)
            compare("--machine-column", ingest.machineColumn, given.ingest.machineColumn)
            compare("--sha1-column", ingest.sha1Column, given.ingest.sha1Column)
            compare("--comment-column", ingest.commentColumn, given.ingest.commentColumn)
            compare("--comment", ingest.defaultComment.map { "'\($0)'" }, given.ingest.defaultComment.map { "'\($0)'" })
            compare("--no-comment-tag", commentTag ? "off" : "on", given.commentTag ? "off" : "on")
            compare("--resubmit", resubmit ? "on" : "off", given.resubmit ? "on" : "off")
            compare("--device-name-column", ingest.deviceNameColumn, given.ingest.deviceNameColumn)
            compare("--sha256-column", ingest.sha256Column, given.ingest.sha256Column)
            compare("--no-resolve", ingest.resolve ? "off" : "on", given.ingest.resolve ? "off" : "on")
            compare("--all-matches", allMatches ? "on" : "off", given.allMatches ? "on" : "off")
        }
    }
}

extension CancelJobOptions {
    /// The options of `given` that differ from these (the job's), as the user types them.
    public func differences(from given: CancelJobOptions) -> [PlanDifference] {
        PlanDifference.collect { compare in
            compare("--comment", "'\(comment)'", "'\(given.comment)'")
            compare("--no-comment-tag", commentTag ? "off" : "on", given.commentTag ? "off" : "on")
            compare("--include-final", onlyOpen ? "off" : "on", given.onlyOpen ? "off" : "on")
            compare("--format", format?.rawValue, given.format?.rawValue)
            compare("--action-id-column", actionIdColumn, given.actionIdColumn)
        }
    }
}
