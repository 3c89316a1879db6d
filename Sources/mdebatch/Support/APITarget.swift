import ArgumentParser
import Foundation
import Logging
import MDEBatchCore
import MDEEmulator

/// Where a command's calls go, and as whom: the base URL (or the embedded emulator), the
/// environment holding the credentials, and the clock (scaled when talking to an
/// emulator with a time scale).
struct APITarget {
    var environment: [String: String]
    /// The API base; nil for the embedded emulator, whose port is known once it starts.
    var baseURL: URL?
    var cloud: CloudPreset
    /// The embedded emulator of `--emulator`, started for the duration of `withEnvironment`.
    var embedded: EmulatorConfiguration?
    var clock: any WallClock
    /// The request time-out in real seconds.
    var realRequestTimeout: TimeInterval
    /// How much faster than real time `clock` runs.
    var scale: Double

    /// A scaled clock shortens the real time-out, but never below five real seconds:
    /// a loaded machine must not turn every call into a time-out.
    static func realTimeout(_ requested: TimeInterval, scale: Double) -> TimeInterval {
        scale == 1 ? requested : max(requested / scale, 5)
    }

    /// The request time-out in clock seconds (what the quota ledger counts in).
    var clockRequestTimeout: TimeInterval { realRequestTimeout * scale }

    /// Resolves where calls go. The embedded emulator with `--emulator` or for a job made
    /// with it; else the API base of `--api-base`, the job's stored target, `MDE_API_BASE`
    /// or the cloud preset, in that order. Plain HTTP is refused except on loopback.
    static func resolve(_ options: APIOptions, emulator: Bool, stored: JobTarget?, pacing: JobPacing) throws -> APITarget {
        let environment = ProcessInfo.processInfo.environment
        let cloud = options.cloud ?? stored?.cloud ?? .public
        if emulator || (stored?.isEmulator == true && options.apiBase == nil) {
            return embeddedEmulator(cloud: cloud, pacing: pacing, environment: environment)
        }
        let base = options.apiBase ?? stored?.apiBase ?? environment["MDE_API_BASE"].flatMap { $0.isEmpty ? nil : $0 }
        let baseURL: URL
        if let base {
            guard let url = URL(string: base), url.scheme != nil, url.host != nil else {
                throw ValidationError("The API base '\(base)' is not a URL such as https://api.security.microsoft.com.")
            }
            baseURL = url
        } else {
            baseURL = cloud.apiBase
        }
        try APIEndpointPolicy.validate(baseURL: baseURL)
        let scale = pacing.timeScale ?? 1
        let clock: any WallClock =
            scale == 1 ? SystemWallClock() : ScaledWallClock(scale: scale, origin: pacing.timeOrigin ?? Date())
        return APITarget(
            environment: environment, baseURL: baseURL, cloud: cloud, embedded: nil, clock: clock,
            realRequestTimeout: realTimeout(pacing.requestTimeout, scale: scale), scale: scale)
    }

    /// An emulator in process with its own credentials, and a client clock that shares its
    /// origin and scale (default 60×).
    private static func embeddedEmulator(cloud: CloudPreset, pacing: JobPacing, environment: [String: String]) -> APITarget {
        let scale = pacing.timeScale ?? 60
        let configuration = EmulatorConfiguration(
            tenantId: UUID().uuidString.lowercased(), clientId: UUID().uuidString.lowercased(),
            clientSecret: "emulator-\(UUID().uuidString)", timeScale: scale, origin: Date(),
            visibilityDelay: .seconds(5))
        var environment = environment.filter { !$0.key.hasPrefix("MDE_") && !$0.key.hasPrefix("AZURE_") }
        environment["MDE_TENANT_ID"] = configuration.tenantId
        environment["MDE_CLIENT_ID"] = configuration.clientId
        environment["MDE_CLIENT_SECRET"] = configuration.clientSecret
        return APITarget(
            environment: environment, baseURL: nil, cloud: .public, embedded: configuration,
            clock: ScaledWallClock(scale: scale, origin: configuration.origin),
            realRequestTimeout: realTimeout(pacing.requestTimeout, scale: scale), scale: scale)
    }

    /// The credentials from the environment, named precisely when incomplete (exit 77).
    func credentials() throws -> Credentials {
        try Credentials.fromEnvironment(environment, cloud: cloud, now: clock.now)
    }

    /// The target jobs are keyed by: `emulator` for the embedded one, else the API base and
    /// the credentials' tenant.
    func jobTarget() throws -> JobTarget {
        guard let baseURL else { return .emulator(cloud: cloud) }
        return JobTarget(baseURL: baseURL, credentials: try credentials(), cloud: cloud)
    }

    /// The target of a command about to create a job: required (credentials named
    /// precisely when missing, exit 77) unless it is a dry run, which may go without (the
    /// job's first real run binds it).
    func jobTarget(dryRun: Bool) throws -> JobTarget? {
        if dryRun { return try? jobTarget() }
        _ = try credentials()
        return try jobTarget()
    }

    /// Runs `body` with a live HTTP client, token provider and API client (starting and
    /// stopping the embedded emulator around it).
    func withEnvironment<T: Sendable>(logger: Logger, _ body: (JobEnvironment) async throws -> T) async throws -> T {
        let target = try jobTarget()
        guard let embedded else {
            let connection = APIConnection(baseURL: baseURL!, resource: cloud.tokenResource, requestTimeout: realRequestTimeout)
            return try await JobEnvironment.withLive(
                credentials: try credentials(), connection: connection, target: target, clock: clock, logger: logger, body)
        }
        let server = try await EmulatorServer.start(embedded)
        var live = self
        live.environment["MDE_AUTHORITY"] = server.baseURL
        let connection = APIConnection(
            baseURL: URL(string: server.baseURL)!, resource: cloud.tokenResource, requestTimeout: realRequestTimeout)
        do {
            let result = try await JobEnvironment.withLive(
                credentials: try live.credentials(), connection: connection, target: target, clock: clock, logger: logger, body)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }
}
