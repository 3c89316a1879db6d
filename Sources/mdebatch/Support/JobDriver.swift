import ArgumentParser
import Foundation
import Logging
import MDEBatchCore
import MDEEmulator
import UnixSignals

/// Runs a quarantine job from the command line: target, credentials, signals, progress,
/// report and exit code. Everything it decides is in the core; this only wires it up.
struct JobDriver {
    let options: RunOptions

    /// Where the job's calls go, and as whom.
    struct Target {
        var environment: [String: String]
        var baseURL: URL
        var cloud: CloudPreset
        var clock: any WallClock
        var emulator: EmulatorServer?
        /// The request time-out in real seconds (a scaled clock shortens it).
        var realRequestTimeout: TimeInterval
        /// How much faster than real time `clock` runs.
        var scale: Double

        /// A scaled clock shortens the real time-out, but never below five real seconds:
        /// a loaded machine must not turn every call into a time-out.
        static func realTimeout(_ requested: TimeInterval, scale: Double) -> TimeInterval {
            scale == 1 ? requested : max(requested / scale, 5)
        }
    }

    /// Starts the in-process emulator when asked, or reads the API base from flags and
    /// environment, refusing plain HTTP except on loopback.
    func makeTarget() async throws -> Target {
        let requestTimeout = MDEBatchCore.DurationText.parse(options.requestTimeout) ?? 30
        if options.emulator {
            let scale = options.timeScale ?? 60
            let configuration = EmulatorConfiguration(
                tenantId: UUID().uuidString.lowercased(), clientId: UUID().uuidString.lowercased(),
                clientSecret: "emulator-\(UUID().uuidString)", timeScale: scale, origin: Date(),
                visibilityDelay: .seconds(5))
            let server = try await EmulatorServer.start(configuration)
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MDE_") && !$0.key.hasPrefix("AZURE_") }
            environment["MDE_TENANT_ID"] = configuration.tenantId
            environment["MDE_CLIENT_ID"] = configuration.clientId
            environment["MDE_CLIENT_SECRET"] = configuration.clientSecret
            environment["MDE_AUTHORITY"] = server.baseURL
            return Target(
                environment: environment, baseURL: URL(string: server.baseURL)!, cloud: .public,
                clock: ScaledWallClock(scale: scale, origin: server.configuration.origin), emulator: server,
                realRequestTimeout: Target.realTimeout(requestTimeout, scale: scale), scale: scale)
        }
        let environment = ProcessInfo.processInfo.environment
        let base = options.apiBase ?? environment["MDE_API_BASE"].flatMap { $0.isEmpty ? nil : $0 }
        let baseURL: URL
        if let base {
            guard let url = URL(string: base), url.scheme != nil, url.host != nil else {
                throw ValidationError("The API base '\(base)' is not a URL such as https://api.security.microsoft.com.")
            }
            baseURL = url
        } else {
            baseURL = options.cloud.apiBase
        }
        try APIEndpointPolicy.validate(baseURL: baseURL)
        let clock = options.clock(origin: nil, scale: options.timeScale)
        let scale = options.timeScale ?? 1
        return Target(
            environment: environment, baseURL: baseURL, cloud: options.cloud, clock: clock, emulator: nil,
            realRequestTimeout: Target.realTimeout(requestTimeout, scale: scale), scale: scale)
    }

    /// Sends the job's pending rows; prints progress and the summary; writes the report.
    ///
    /// - Returns: the exit code.
    func send(job: JobRecord, store: StateStore, target: Target, resumeCommand: String) async throws -> Int32 {
        let credentials = try Credentials.fromEnvironment(target.environment, cloud: target.cloud, now: target.clock.now)
        let lock = try JobLock(statePath: store.path, jobId: job.id)
        defer { withExtendedLifetime(lock) {} }
        var settings = try options.settings(clock: target.clock)
        // The ledger counts in clock seconds: a call may last the real time-out, scaled.
        settings.requestTimeout = target.realRequestTimeout * target.scale
        let connection = APIConnection(
            baseURL: target.baseURL, resource: target.cloud.tokenResource, requestTimeout: target.realRequestTimeout)
        let stop = StopController()
        let logger = Logger(label: "mdebatch")
        let reportPath = options.report ?? "mdebatch-\(job.id).csv"

        let outcome = try await JobEnvironment.withLive(
            credentials: credentials, connection: connection, clock: target.clock, logger: logger
        ) { environment in
            let gate = QuotaGate(
                store: store, clock: target.clock, tenant: environment.tenant, policy: settings.policy,
                requestTimeout: settings.requestTimeout)
            let quarantine = QuarantineJob(
                job: job, store: store, client: environment.client, tokens: environment.tokens, gate: gate,
                clock: target.clock, settings: settings, stop: stop, logger: logger)
            return try await withThrowingTaskGroup(of: JobOutcome?.self) { group in
                group.addTask { try await quarantine.run() }
                group.addTask {
                    await Self.watchSignals(stop: stop)
                    return nil
                }
                if !options.quiet {
                    group.addTask {
                        await Self.showProgress(of: quarantine, stop: stop)
                        return nil
                    }
                }
                var result: JobOutcome?
                while let next = try await group.next() {
                    if let next {
                        result = next
                        group.cancelAll()
                    }
                }
                return result!
            }
        }
        if !options.quiet && Terminal.standardErrorIsTerminal { Terminal.clearStatusLine() }
        try CSVReportWriter().write(jobId: job.id, store: store, to: reportPath)
        if let emulator = target.emulator { await emulator.stop() }
        print(RunSummary(outcome: outcome, reportPath: reportPath, resumeCommand: resumeCommand).render())
        return ExitStatus.code(for: outcome)
    }

    /// First SIGINT/SIGTERM: stop gracefully. Second: exit at once (the state file is
    /// consistent at every instant, so nothing is lost).
    static func watchSignals(stop: StopController) async {
        let signals = await UnixSignalsSequence(trapping: .sigint, .sigterm)
        var count = 0
        for await signal in signals {
            count += 1
            if count == 1 {
                Terminal.standardError("\nStopping after the requests in flight (\(signal)); press Ctrl-C again to quit at once.")
                stop.stop(.signal)
            } else {
                Terminal.standardError("Quitting now. Run the same command again to resume.")
                exit(ExitStatus.stopped)
            }
        }
    }

    /// A live line on a terminal; a plain line every 30 s otherwise.
    static func showProgress(of job: QuarantineJob, stop: StopController) async {
        let live = Terminal.standardErrorIsTerminal
        let interval: Duration = live ? .seconds(1) : .seconds(30)
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            guard let snapshot = try? job.progress() else { continue }
            let line = "\(job.job.id): " + snapshot.render()
            if live { Terminal.statusLine(line) } else { Terminal.standardError(line) }
        }
    }
}
