import ArgumentParser
import Foundation
import MDEEmulator

/// `mdebatch emulator`: serves the MDE emulator in the foreground until Ctrl-C.
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "emulator",
        abstract: "Serve a local emulator of the MDE machine-actions API.",
        discussion: """
            Prints the base URL, the time origin and scale, and export lines for the credentials. \
            Stops on Ctrl-C (SIGINT) or SIGTERM.

            Faults: --fault KIND:RATE[:DURATION] with KIND 500, 503, drop-before, drop-after or delay, \
            e.g. --fault 500:0.05 --fault 503:0.02:10s --fault drop-after:0.02 --fault delay:0.02:45s.

            Without configuration, machine ids starting deadbeef are not found (404), 0b50 are an \
            unsupported OS (400) and f0bd are forbidden (403); SHA-1s starting fa11 fail and 71e0 time out.

            GET /api/machines, /api/files/{id} and /api/files/{sha1}/machines serve an inventory: a \
            built-in one that matches samples/hunting-export-2026-11-21.csv, or the JSON file given \
            with --inventory (format in docs/EMULATOR.md).
            """
    )

    @Option(help: "Port to listen on (0 picks a free port).")
    var port: Int = 0

    @Option(help: "Address to bind (loopback by default).")
    var host: String = "127.0.0.1"

    @Option(name: .customLong("time-scale"), help: "Run the emulator's clock this many times faster than real time.")
    var timeScale: Double = 1

    @Option(help: "Start of the shared timeline, ISO-8601 UTC (default: now); emulator time = origin + (now - origin) × scale.")
    var origin: String?

    @Option(help: "Seed of the fault generator.")
    var seed: UInt64 = 0

    @Option(name: .customLong("fault"), help: "A fault and its rate, KIND:RATE[:DURATION]; repeatable.")
    var faults: [String] = []

    @Flag(name: .customLong("fault-gets"), help: "Apply faults to the GET routes as well as the POST routes.")
    var faultGets = false

    @Option(help: "Also append the request journal to this file (JSON lines).")
    var journal: String?

    @Option(name: .customLong("visibility-delay"), help: "How long new actions stay invisible to GETs (e.g. 5s).")
    var visibilityDelay: String = "0s"

    @Option(help: "How long new actions stay Pending.")
    var pending: String = "30s"

    @Option(name: .customLong("in-progress"), help: "How long actions then stay InProgress.")
    var inProgress: String = "60s"

    @Option(name: .customLong("token-lifetime"), help: "Lifetime of issued access tokens.")
    var tokenLifetime: String = "3599s"

    @Option(name: .customLong("machine"), help: "ID=exists|not-found|os-not-supported|forbidden; repeatable.")
    var machines: [String] = []

    @Option(name: .customLong("outcome"), help: "SHA1=Succeeded|Failed|TimeOut; repeatable.")
    var outcomes: [String] = []

    @Option(help: "Serve the machines and files of this JSON file instead of the built-in inventory.")
    var inventory: String?

    @Flag(name: .customLong("no-default-rules"), help: "Turn off the deadbeef/0b50/f0bd and fa11/71e0 prefix rules.")
    var noDefaultRules = false

    @Flag(name: .customLong("no-limits"), help: "Turn off the 100/minute and 1,500/hour limits.")
    var noLimits = false

    @Option(
        name: .customLong("pending-scope"),
        help:
            "What an open StopAndQuarantineFile blocks with 400 ActiveRequestAlreadyExists: another one for the same file on the device (file), or any other one on the device (device). The real API documents neither."
    )
    var pendingScope: PendingScope = .file

    @Option(name: .customLong("tenant-id"), help: "Tenant id the token endpoint accepts.")
    var tenantId: String?

    @Option(name: .customLong("client-id"), help: "Client id the token endpoint accepts.")
    var clientId: String?

    @Option(name: .customLong("client-secret"), help: "Client secret the token endpoint accepts.")
    var clientSecret: String?

    func validate() throws {
        guard timeScale > 0, timeScale.isFinite else {
            throw ValidationError("--time-scale must be a positive number, e.g. 60; got \(timeScale).")
        }
        _ = try makeConfiguration()
    }

    func run() async throws {
        let configuration = try makeConfiguration()
        try await EmulatorServer.run(configuration) { actual, baseURL in
            let scale = actual.timeScale
            let origin = EmulatorInstant(actual.origin).iso8601
            let lines = [
                "mdebatch emulator listening on \(baseURL)",
                "time origin \(origin), scale \(scale) (emulator time = origin + (now - origin) × \(scale))",
                "Credentials for mdebatch (paste into your shell):",
                "export MDE_API_BASE=\(baseURL)",
                "export MDE_AUTHORITY=\(baseURL)",
                "export MDE_TENANT_ID=\(actual.tenantId)",
                "export MDE_CLIENT_ID=\(actual.clientId)",
                "export MDE_CLIENT_SECRET=\(actual.clientSecret)",
                "Press Ctrl-C to stop.",
            ]
            FileHandle.standardOutput.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    func makeConfiguration() throws -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration(
            timeScale: timeScale, seed: seed, faultsApplyToGets: faultGets,
            defaultRules: !noDefaultRules, journalPath: journal, host: host, port: port
        )
        if let tenantId { configuration.tenantId = tenantId }
        if let clientId { configuration.clientId = clientId }
        if let clientSecret { configuration.clientSecret = clientSecret }
        if noLimits { configuration.limits = [] }
        configuration.pendingScope = pendingScope
        if let inventory {
            do {
                configuration.inventory = try Inventory(contentsOfFile: inventory)
            } catch {
                throw ValidationError("--inventory: \(error)")
            }
        }
        if let origin {
            guard let instant = EmulatorInstant(iso8601: origin) else {
                throw ValidationError("--origin must be ISO-8601 UTC such as 2026-01-01T00:00:00Z; got '\(origin)'.")
            }
            configuration.origin = instant.date
        }
        configuration.faults = try faults.map { text in
            do {
                return try FaultRule(parsing: text)
            } catch {
                throw ValidationError("\(error) Example: --fault 500:0.05 or --fault delay:0.02:45s.")
            }
        }
        configuration.visibilityDelay = try duration(visibilityDelay, option: "--visibility-delay")
        configuration.pendingDuration = try duration(pending, option: "--pending")
        configuration.inProgressDuration = try duration(inProgress, option: "--in-progress")
        configuration.tokenLifetime = try duration(tokenLifetime, option: "--token-lifetime")
        for entry in machines {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let dispositions: [String: MachineDisposition] = [
                "exists": .exists, "not-found": .notFound, "os-not-supported": .osPlatformNotSupported,
                "forbidden": .forbidden,
            ]
            guard parts.count == 2, let disposition = dispositions[parts[1].lowercased()] else {
                throw ValidationError("--machine must be ID=exists|not-found|os-not-supported|forbidden; got '\(entry)'.")
            }
            configuration.machines[parts[0].lowercased()] = disposition
        }
        for entry in outcomes {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2,
                let outcome = FinalStatus.allCases.first(where: { $0.rawValue.lowercased() == parts[1].lowercased() })
            else {
                throw ValidationError("--outcome must be SHA1=Succeeded|Failed|TimeOut; got '\(entry)'.")
            }
            configuration.outcomes[parts[0].lowercased()] = outcome
        }
        return configuration
    }

    private func duration(_ text: String, option: String) throws -> Duration {
        guard let value = DurationText.parse(text) else {
            throw ValidationError("\(option) must be a duration such as 45s, 500ms, 2m or 1h; got '\(text)'.")
        }
        return value
    }
}

extension PendingScope: ExpressibleByArgument {}
