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
    /// The key of the quota ledger: limits are per application and tenant.
    public let tenant: String

    public static func withLive<T: Sendable>(
        credentials: Credentials, connection: APIConnection, clock: any WallClock, logger: Logger,
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
            // Limits are per application and tenant (MDE-API.md §5), whichever host serves them.
            let tenant = (credentials.tenantId ?? "access-token") + "/" + (credentials.clientId ?? "-")
            return try await body(JobEnvironment(client: client, tokens: tokens, tenant: tenant))
        }
    }
}
