import ArgumentParser
import Foundation
import Logging
import MDEBatchCore

/// `mdebatch targets HASH...`: every device that saw each file, as an input file to review
/// and then `run`.
struct TargetsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "targets",
        abstract: "Write an input file of every device that saw each file (SHA-1 or SHA-256), to review and then run.",
        discussion: """
            Lists the devices through GET /api/files/{sha1}/machines (a SHA-256 is first turned into its SHA-1 \
            through GET /api/files/{sha256}), under each API's own limits, recorded in the state file like every \
            call. The output has the columns machine_id, device_name, sha1, comment and last_seen, and feeds \
            mdebatch run unchanged. Needs File.Read.All and Machine.Read.All (some documentation says \
            Machine.ReadWrite.All for the device list). Exit status: 0 when every file was seen on a device, 1 when \
            one was unknown or seen nowhere, 75 when a lookup failed (try again), 77 when refused.
            """)

    @Argument(help: ArgumentHelp("SHA-1s (40 hex digits) or SHA-256s (64).", valueName: "hash"))
    var hashes: [String]

    @Option(
        help: ArgumentHelp(
            "The comment of every row (default: 'Stop and quarantine SHA1 (seen on the device; listed by mdebatch targets)').",
            valueName: "text"))
    var comment: String?

    @Option(
        name: [.short, .long],
        help: ArgumentHelp("Write here instead of to standard output (replaced atomically, mode 0600).", valueName: "file"))
    var output: String?

    @Flag(help: "Ask the embedded emulator (its default inventory) instead of a tenant.")
    var emulator = false

    @Flag(help: "No line per hash on standard error (errors are still printed).")
    var quiet = false

    @OptionGroup var state: StateOptions
    @OptionGroup var api: APIOptions

    func validate() throws {
        if hashes.isEmpty { throw ValidationError("Give at least one SHA-1 or SHA-256.") }
        for hash in hashes where TargetsLookup.normalizedHash(hash) == nil {
            let md5 = hash.count == 32 ? " (an MD5? the file API's MD5 support is not confirmed; give the SHA-1 or SHA-256)" : ""
            throw ValidationError("'\(hash)' is not a SHA-1 (40 hex digits) or SHA-256 (64)\(md5).")
        }
        if emulator && api.apiBase != nil { throw ValidationError("--emulator and --api-base cannot be combined.") }
    }

    private func note(_ line: String) {
        if !quiet { Terminal.standardError(line) }
    }

    func run() async throws {
        let code: Int32
        do {
            let output = self.output ?? "-"
            let destination = try OutputPath.check(output)
            let store = try state.open()
            let pacing = PacingOverrides(
                requestTimeout: api.requestTimeoutSeconds, timeScale: api.timeScale,
                timeOrigin: api.timeOrigin.flatMap(APIOptions.parseDate)
            ).forNewJob
            let target = try APITarget.resolve(api, emulator: emulator, stored: nil, pacing: pacing)
            let job = try store.lookupJob(target: try target.jobTarget(), now: target.clock.now)
            let hashes = Array(Set(self.hashes.compactMap(TargetsLookup.normalizedHash))).sorted()
            let logger = Logger(label: "mdebatch")
            let results = try await target.withEnvironment(logger: logger) { environment in
                let stop = StopController()
                let gate = QuotaGate(
                    store: store, clock: target.clock, tenant: environment.ledgerKey, policy: pacing.policy,
                    requestTimeout: target.clockRequestTimeout)
                let call = MeteredCall(
                    jobId: job.id, store: store, gate: gate, tokens: environment.tokens, clock: target.clock, stop: stop,
                    statistics: JobStatistics(), logger: logger)
                let lookup = TargetsLookup(call: call, client: environment.client, targetKey: job.targetKey ?? "")
                var results: [(String, TargetsLookup.Result)] = []
                for hash in hashes { results.append((hash, try await lookup.devices(hash: hash))) }
                return results
            }
            var targets: [TargetsLookup.Target] = []
            var missing = 0
            for (hash, result) in results {
                switch result {
                case .unknownFile:
                    missing += 1
                    note("\(hash): Defender knows no file with this SHA-256.")
                case .devices(let found) where found.isEmpty:
                    missing += 1
                    note("\(hash): no device has seen this file.")
                case .devices(let found):
                    note("\(hash): seen on \(found.count) device\(found.count == 1 ? "" : "s").")
                    targets += found
                }
            }
            let text = TargetsLookup.csv(targets) { target in
                comment ?? "Stop and quarantine \(target.sha1) (seen on the device; listed by mdebatch targets)"
            }
            try TargetsLookup.write(text, to: output)
            if case .descriptor = destination {
            } else {
                Terminal.standardError("Wrote \(targets.count) rows to \(output); review them, then: mdebatch run \(output)")
            }
            code = missing > 0 ? ExitStatus.completeWithProblems : ExitStatus.complete
        } catch let failure as TargetsLookup.Failure {
            // Refused: the permission is named (77). Failed or stopped: nothing was written; try again (75).
            Terminal.standardError("Error: \(failure)")
            if case .refused = failure { throw ExitCode(ExitStatus.authentication) }
            throw ExitCode(ExitStatus.stopped)
        } catch {
            throw ExitStatus.fail(error)
        }
        if code != ExitStatus.complete { throw ExitCode(code) }
    }
}
