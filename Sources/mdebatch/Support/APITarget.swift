import ArgumentParser
import Foundation
import Logging
import MDEBatchCore
import MDEEmulator

/// Where a command's calls go, and as whom: the base URL, the environment holding the
/// credentials, and the clock (scaled when talking to an emulator with `--time-scale`).
struct APITarget {
    var environment: [String: String]
    var baseURL: URL
    var cloud: CloudPreset
    var clock: any WallClock
    /// The in-process emulator of `run --emulator`, stopped when the job ends.
    var emulator: EmulatorServer?
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

    /// Reads the API base from flags and environment, refusing plain HTTP except on loopback.
    static func make(_ options: APIOptions) throws -> APITarget {
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
        let scale = options.timeScale ?? 1
        let clock: any WallClock =
            scale == 1
            ? SystemWallClock()
            : ScaledWallClock(scale: scale, origin: options.timeOrigin.flatMap(APIOptions.parseDate) ?? Date())
        return APITarget(
            environment: environment, baseURL: baseURL, cloud: options.cloud, clock: clock, emulator: nil,
            realRequestTimeout: realTimeout(options.requestTimeoutSeconds, scale: scale), scale: scale)
    }

    /// Starts an emulator in process on a free loopback port, with its own credentials,
    /// and a client clock that shares its origin and scale.
    static func makeEmulator(_ options: APIOptions) async throws -> APITarget {
        let scale = options.timeScale ?? 60
        let configuration = EmulatorConfiguration(
            tenantId: UUID().uuidString.lowercased(), clientId: UUID().uuidString.lowercased(),
            clientSecret: "emulator-\(UUID().uuidString)", timeScale: scale, origin: Date(),
            visibilityDelay: .seconds(5))
        let server = try await EmulatorServer.start(configuration)
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("MDE_") && !$0.key.hasPrefix("AZURE_")
        }
        environment["MDE_TENANT_ID"] = configuration.tenantId
        environment["MDE_CLIENT_ID"] = configuration.clientId
        environment["MDE_CLIENT_SECRET"] = configuration.clientSecret
        environment["MDE_AUTHORITY"] = server.baseURL
        return APITarget(
            environment: environment, baseURL: URL(string: server.baseURL)!, cloud: .public,
            clock: ScaledWallClock(scale: scale, origin: server.configuration.origin), emulator: server,
            realRequestTimeout: realTimeout(options.requestTimeoutSeconds, scale: scale), scale: scale)
    }

    /// The credentials from the environment, named precisely when incomplete (exit 77).
    func credentials() throws -> Credentials {
        try Credentials.fromEnvironment(environment, cloud: cloud, now: clock.now)
    }

    /// Runs `body` with a live HTTP client, token provider and API client.
    func withEnvironment<T: Sendable>(logger: Logger, _ body: (JobEnvironment) async throws -> T) async throws -> T {
        let connection = APIConnection(baseURL: baseURL, resource: cloud.tokenResource, requestTimeout: realRequestTimeout)
        return try await JobEnvironment.withLive(credentials: try credentials(), connection: connection, clock: clock, logger: logger, body)
    }
}
