import Foundation
import Logging

/// Where and as whom a job's calls go.
public struct APIConnection: Sendable {
    public var baseURL: URL
    /// The token resource (audience), e.g. `https://api.securitycenter.microsoft.com`.
    public var resource: String
    /// Real seconds each HTTP request may take.
    public var requestTimeout: TimeInterval

    public init(baseURL: URL, resource: String, requestTimeout: TimeInterval) {
        self.baseURL = baseURL
        self.resource = resource
        self.requestTimeout = requestTimeout
    }
}

/// The live pieces a job talks through: one HTTP client for the process, a token
/// provider and the API client. The HTTP client is shut down when the body returns.
public struct JobEnvironment: Sendable {
    public let client: MDEClient
    public let tokens: TokenProvider
    /// Where the calls go, as jobs are keyed.
    public let target: JobTarget
    /// The key of the quota ledger: the target and the application (limits are per
    /// application and tenant: README, "How a run stays safe"). A rehearsal's ledger is its own
    /// emulator's, which nothing else shares.
    public let ledgerKey: String

    /// The ledger key of `credentials` on `target`.
    public static func ledgerKey(target: JobTarget, credentials: Credentials) -> String {
        if target.isEmulator { return "emulator " + (credentials.tenantId ?? "-") }
        var application = credentials.clientId ?? "-"
        if case .accessToken(let token) = credentials.method { application = token.audience ?? "token" }
        return target.key + " app " + application
    }

    public static func withLive<T: Sendable>(
        credentials: Credentials, connection: APIConnection, target: JobTarget, clock: any WallClock, logger: Logger,
        _ body: (JobEnvironment) async throws -> T
    ) async throws -> T {
        try await AsyncHTTPClientTransport.withTransport(connectTimeout: min(5, connection.requestTimeout)) { transport in
            let tokens = TokenProvider(
                credentials: credentials, resource: connection.resource, transport: transport, clock: clock,
                requestTimeout: connection.requestTimeout, logger: logger)
            let client = MDEClient(
                baseURL: connection.baseURL, transport: transport, tokens: tokens,
                requestTimeout: connection.requestTimeout, userAgent: "mdebatch/\(MDEBatchVersion.current)",
                clock: clock, logger: logger)
            return try await body(
                JobEnvironment(
                    client: client, tokens: tokens, target: target,
                    ledgerKey: ledgerKey(target: target, credentials: credentials)))
        }
    }
}
