import ArgumentParser
import Foundation
import MDEBatchCore

/// `mdebatch cancel JOB` / `mdebatch cancel --from-report FILE`: a cancel job, checkpointed
/// and resumable like a quarantine job, under the cancel API's own quota (docs/REPORTS.md, "mdebatch cancel").
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel the open actions of a job, or of the action ids in a report, within the API's limits, resumably.",
        discussion: """
            Every action gets POST /api/machineactions/{id}/cancel and then a read-back: the outcome is the status \
            read back (cancelled, already-final, not-found, failed). Actions the state file already knows are final \
            are not sent (--include-final sends them too). Running the same command again resumes the same cancel \
            job; so does mdebatch resume JOB. Asks for confirmation on a terminal; give --yes otherwise. \
            Exit status: 0 every action cancelled or already final, 1 some not found, failed or rejected, \
            64 usage, 65 unusable --from-report file, 75 stopped (run again to resume), 77 authentication.
            """)

    @Argument(help: ArgumentHelp("The quarantine job whose actions to cancel (see mdebatch jobs).", valueName: "job"))
    var job: String?

    @Option(
        name: .customLong("from-report"),
        help: ArgumentHelp(
            "Cancel the action ids of this file instead: a report of mdebatch, or any CSV/TSV/JSONL/JSON file with an action id column (actionId, action_id, id, Action ID).",
            valueName: "file"))
    var fromReport: String?

    @Option(help: "The format of the --from-report file: csv, tsv, jsonl or json (default: by extension).")
    var format: InputFormat?

    @Option(
        name: .customLong("action-id-column"),
        help: ArgumentHelp("The column holding action ids in the --from-report file.", valueName: "name"))
    var actionIdColumn: String?

    @Option(
        help: ArgumentHelp(
            "The cancellation comment (default: 'Cancelled with mdebatch…'); the job tag is appended.", valueName: "text"))
    var comment: String?

    @Flag(
        name: .customLong("include-final"),
        help: "Send a cancel even for actions the state file already knows are final (default: only open ones).")
    var includeFinal = false

    @Flag(name: .customLong("dry-run"), help: "Make the cancel job and print the plan; send nothing.")
    var dryRun = false

    @Flag(name: [.customLong("yes"), .customShort("y")], help: "Do not ask for confirmation (required without a terminal).")
    var yes = false

    @OptionGroup var send: SendOptions

    func validate() throws {
        if job == nil && fromReport == nil {
            throw ValidationError("Give the job whose actions to cancel (mdebatch cancel JOB) or --from-report FILE.")
        }
        if job != nil && fromReport != nil {
            throw ValidationError("Give either a job or --from-report FILE, not both.")
        }
        if fromReport == nil && (format != nil || actionIdColumn != nil) {
            throw ValidationError("--format and --action-id-column apply to --from-report only.")
        }
        if let comment, comment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--comment must not be empty.")
        }
    }

    func run() async throws {
        do {
            if !yes && !dryRun && !Terminal.standardInputIsTerminal {
                throw UsageError(
                    description:
                        "mdebatch cancel cannot ask for confirmation without a terminal; add --yes to cancel without asking (or --dry-run to see the plan)."
                )
            }
            let store = try send.state.open()
            let overrides = try send.overrides()
            let result: CancelJobIngest.Result
            if let job {
                let parent = try store.job(id: job)
                if parent.effectivePlan.target?.isEmulator == true {
                    throw UsageError(
                        description:
                            "Job \(parent.id) was a rehearsal on the embedded emulator (--emulator); its actions ended with that emulator, so there is nothing to cancel."
                    )
                }
                // A cancel job goes where its parent's actions are. Name a missing credential before anything is written.
                let target = try APITarget.resolve(
                    send.api, emulator: false, stored: parent.effectivePlan.target, pacing: overrides.forNewJob)
                if !dryRun { _ = try target.credentials() }
                let options = cancelOptions(parentJobId: parent.id)
                do {
                    result = try CancelJobIngest.fromJob(
                        parent, options: options, pacing: overrides.forNewJob, store: store, now: Date())
                } catch let error as CancelJobError {
                    throw UsageError(description: error.description)
                }
            } else {
                let target = try APITarget.resolve(send.api, emulator: false, stored: nil, pacing: overrides.forNewJob)
                let jobTarget = try target.jobTarget(dryRun: dryRun)
                result = try CancelJobIngest.fromReport(
                    path: fromReport!, options: cancelOptions(parentJobId: nil), target: jobTarget, pacing: overrides.forNewJob,
                    store: store, now: Date())
            }
            guard let cancelJob = result.creation.job else {
                for error in result.fileErrors { Terminal.standardError("Error: \(error)") }
                throw ExitCode(ExitStatus.inputUnusable)
            }
            if case .existing = result.creation {
                Terminal.standardError(
                    "Resuming cancel job \(cancelJob.id) (same actions and options as before; state \(cancelJob.state.rawValue))."
                )
            } else {
                Terminal.standardError("Created cancel job \(cancelJob.id) with \(cancelJob.rowCount) rows in \(store.path).")
            }
            let counts = try store.counts(jobId: cancelJob.id)
            print(try plan(cancelJob, counts: counts, result: result, store: store))
            let toSend = counts.open
            if dryRun {
                print("Dry run: nothing was sent. Run without --dry-run to cancel \(toSend) actions.")
                return
            }
            if toSend > 0 && !yes {
                FileHandle.standardError.write(Data("Cancel \(toSend) actions? This cannot be undone. [y/N] ".utf8))
                let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
                guard answer == "y" || answer == "yes" else {
                    print(
                        "Nothing was sent. Run the same command again (or \(ResumeHint.command(jobId: cancelJob.id, statePath: send.state.state))) to go ahead."
                    )
                    throw ExitCode(ExitStatus.stopped)
                }
            }
            let pacing = JobDriver.pacing(of: cancelJob, overrides: overrides)
            let target = try APITarget.resolve(send.api, emulator: false, stored: cancelJob.effectivePlan.target, pacing: pacing)
            let code = try await send.driver.send(job: cancelJob, store: store, target: target, pacing: pacing)
            if code != 0 { throw ExitCode(code) }
        } catch {
            throw ExitStatus.fail(error)
        }
    }

    func cancelOptions(parentJobId: String?) -> CancelJobOptions {
        CancelJobOptions(
            comment: comment?.trimmingCharacters(in: .whitespacesAndNewlines)
                ?? CancelJobOptions.defaultComment(parentJobId: parentJobId),
            commentTag: !send.noCommentTag, onlyOpen: !includeFinal, format: format, actionIdColumn: actionIdColumn)
    }

    /// What the job will do, before it does it.
    func plan(_ job: JobRecord, counts: JobCounts, result: CancelJobIngest.Result, store: StateStore) throws -> String {
        let source = job.parentJobId.map { "job \($0)" } ?? job.inputs.joined(separator: ", ")
        var lines = ["Cancel job \(job.id) for \(source):"]
        let shown: [(RowOutcome, String)] = [
            (.pending, "to cancel"), (.sending, "in doubt (read back first)"),
            (.cancelAccepted, "cancel accepted (read back next)"), (.cancelled, "cancelled"),
            (.alreadyFinal, "already final"), (.cancelRequested, "cancel requested"), (.notFound, "not found"),
            (.failed, "failed"), (.invalid, "rejected (invalid action id)"), (.duplicate, "duplicates"),
        ]
        for (key, words) in shown where counts[key] > 0 {
            lines.append("  \(Self.pad(counts[key]))  \(words)")
        }
        if result.withoutActionId > 0 {
            lines.append("  \(Self.pad(result.withoutActionId))  rows without an action id (skipped)")
        }
        if result.parentOpenRows > 0 {
            lines.append(
                "  Note: \(result.parentOpenRows) rows of the job are still open and have no action id yet; resume that job, then cancel again."
            )
        }
        for row in try store.rows(jobId: job.id, state: .invalid, limit: 5) {
            lines.append("  \(row.source):\(row.line): \(row.errorCode ?? "invalid"): \(row.errorMessage ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ n: Int) -> String {
        let text = String(n)
        return String(repeating: " ", count: max(0, 6 - text.count)) + text
    }
}
