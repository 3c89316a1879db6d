import Foundation
import Logging

/// Hands out bearer tokens: cached in memory, refreshed before expiry, one refresh at a time.
///
/// Concurrent callers share a single in-flight token request. After the API answers 401, call
/// `invalidate()` and retry once: the next `token()` fetches a new one. A static token
/// (`MDE_ACCESS_TOKEN`) cannot be refreshed, so after `invalidate()` it fails with
/// `AuthError.accessTokenRejected`.
///
/// Tokens and secrets never appear in logs or errors.
public actor TokenProvider {
    private struct CachedToken {
        var value: String
        var expiresAt: Date
        var refreshAt: Date
    }

    private let credentials: Credentials
    private let scope: String
    private let transport: any HTTPTransport
    private let clock: any WallClock
    private let refreshMargin: TimeInterval
    private let requestTimeout: TimeInterval
    private let logger: Logger

    private var cached: CachedToken?
    private var refresh: (id: UInt64, task: Task<CachedToken, any Error>)?
    private var nextRefreshID: UInt64 = 0
    private var staticTokenRejected = false

    /// How many token requests were sent (for tests and figures).
    public private(set) var tokenRequestCount = 0

    /// Creates a provider.
    ///
    /// - Parameters:
    ///   - credentials: From `Credentials.fromEnvironment(_:cloud:now:)`.
    ///   - resource: The token resource, e.g. `CloudPreset.public.tokenResource`; the v2 scope is
    ///     `{resource}/.default`.
    ///   - transport: The HTTP seam, shared with the API client.
    ///   - clock: Decides when a token is due for refresh.
    ///   - refreshMargin: Refresh this many seconds before expiry (at most half the token's lifetime).
    ///   - requestTimeout: Seconds the token request may take.
    ///   - logger: Receives debug lines without secrets; none by default.
    public init(
        credentials: Credentials,
        resource: String,
        transport: any HTTPTransport,
        clock: any WallClock,
        refreshMargin: TimeInterval = 300,
        requestTimeout: TimeInterval = 30,
        logger: Logger? = nil
    ) {
        self.credentials = credentials
        var resource = resource
        while resource.hasSuffix("/") { resource.removeLast() }
        self.scope = resource.hasSuffix("/.default") ? resource : resource + "/.default"
        self.transport = transport
        self.clock = clock
        self.refreshMargin = refreshMargin
        self.requestTimeout = requestTimeout
        self.logger = logger ?? Logger(label: "mdebatch.auth", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// A token valid now, fetching a new one when none is cached or the cached one is due for refresh.
    ///
    /// - Throws: `AuthError`, or `CancellationError`.
    public func token() async throws -> String {
        if case .accessToken(let token) = credentials.method {
            if staticTokenRejected { throw AuthError.accessTokenRejected }
            if let expiresAt = token.expiresAt, expiresAt <= clock.now {
                throw AuthError.accessTokenExpired(expiredAt: expiresAt)
            }
            return token.token.value
        }
        if let cached, clock.now < cached.refreshAt { return cached.value }
        let current: (id: UInt64, task: Task<CachedToken, any Error>)
        if let refresh {
            current = refresh
        } else {
            nextRefreshID += 1
            tokenRequestCount += 1
            let request = try makeTokenRequest()
            let transport = self.transport
            let clock = self.clock
            let timeout = requestTimeout
            let margin = refreshMargin
            let task = Task { () async throws -> CachedToken in
                try await Self.fetch(request, transport: transport, clock: clock, timeout: timeout, margin: margin)
            }
            current = (nextRefreshID, task)
            refresh = current
        }
        do {
            let fresh = try await current.task.value
            if refresh?.id == current.id {
                refresh = nil
                cached = fresh
                logger.debug(
                    "Access token acquired",
                    metadata: ["token.expires_at": "\(MDEDate.formatSeconds(fresh.expiresAt))"])
            }
            return fresh.value
        } catch {
            if refresh?.id == current.id { refresh = nil }
            throw error
        }
    }

    /// Forgets the cached token after the API answered 401, so the next `token()` fetches a new one.
    public func invalidate() {
        cached = nil
        if case .accessToken = credentials.method { staticTokenRejected = true }
    }

    /// When the cached token expires, if one is cached (or the static token's expiry).
    public var expiresAt: Date? {
        if case .accessToken(let token) = credentials.method { return token.expiresAt }
        return cached?.expiresAt
    }

    // MARK: - The token request

    private func makeTokenRequest() throws(AuthError) -> TransportRequest {
        guard let endpoint = credentials.tokenEndpoint, let clientId = credentials.clientId else {
            throw AuthError.invalidAuthority(credentials.authority.absoluteString)
        }
        var form: [(String, String)] = [("grant_type", "client_credentials"), ("client_id", clientId)]
        switch credentials.method {
        case .clientSecret(let secret):
            form.append(("client_secret", secret.value))
        case .clientCertificate(let certificate):
            let assertion: String
            do {
                assertion = try ClientAssertion.make(
                    certificate: certificate, clientId: clientId, audience: endpoint.absoluteString, now: clock.now)
            } catch {
                throw AuthError.certificateInvalid(path: certificate.path, reason: "signing the client assertion failed")
            }
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", assertion))
        case .accessToken:
            throw AuthError.accessTokenRejected
        }
        form.append(("scope", scope))
        let body = form.map { "\(Self.formEncode($0.0))=\(Self.formEncode($0.1))" }.joined(separator: "&")
        return TransportRequest(
            method: "POST", url: endpoint,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Data(body.utf8))
    }

    private static var formAllowed: CharacterSet {
        CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    }

    private static func formEncode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: formAllowed) ?? text
    }

    private struct TokenResponse: Decodable {
        var accessToken: String?
        var expiresIn: Double?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            accessToken = container.lenientString(.accessToken)
            if let number = try? container.decodeIfPresent(Double.self, forKey: .expiresIn) {
                expiresIn = number
            } else {
                expiresIn = container.lenientString(.expiresIn).flatMap(Double.init)
            }
        }
    }

    private struct TokenErrorResponse: Decodable {
        var error: String?
        var errorDescription: String?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
        }
    }

    private static func fetch(
        _ request: TransportRequest, transport: any HTTPTransport, clock: any WallClock,
        timeout: TimeInterval, margin: TimeInterval
    ) async throws -> CachedToken {
        let started = clock.now
        let response: TransportResponse
        do {
            response = try await transport.send(request, timeout: timeout)
        } catch let error as TransportError {
            throw AuthError.tokenEndpointUnreachable(error.description)
        }
        guard (200..<300).contains(response.status) else {
            let body = try? JSONDecoder().decode(TokenErrorResponse.self, from: response.body)
            let description = body?.errorDescription
                .flatMap { $0.split(whereSeparator: \.isNewline).first.map(String.init) }?
                .trimmingCharacters(in: .whitespaces)
            throw AuthError.tokenRequestFailed(
                status: response.status, code: body?.error.flatMap { $0.isEmpty ? nil : $0 },
                description: description?.isEmpty == false ? description : nil)
        }
        guard let body = try? JSONDecoder().decode(TokenResponse.self, from: response.body) else {
            throw AuthError.invalidTokenResponse("the body is not a JSON object")
        }
        guard let token = body.accessToken, !token.isEmpty else {
            throw AuthError.invalidTokenResponse("access_token is missing")
        }
        guard let lifetime = body.expiresIn, lifetime > 0 else {
            throw AuthError.invalidTokenResponse("expires_in is missing or not positive")
        }
        let expiresAt = started.addingTimeInterval(lifetime)
        let refreshAt = expiresAt.addingTimeInterval(-min(margin, lifetime / 2))
        return CachedToken(value: token, expiresAt: expiresAt, refreshAt: refreshAt)
    }
}
