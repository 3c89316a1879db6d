import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization
import Testing

struct TokenProviderTests {
    private let clock = ManualWallClock()

    private func secretCredentials() throws -> Credentials {
        try Credentials.fromEnvironment(
            ["MDE_TENANT_ID": "contoso", "MDE_CLIENT_ID": "app-id", "MDE_CLIENT_SECRET": "s3cr3t+/="], now: clock.now)
    }

    /// A token endpoint that answers "tok-1", "tok-2", … with a lifetime of `expiresIn`.
    private func tokenEndpoint(expiresIn: Int = 3599) -> StubTransport {
        let counter = ClientTestCounter()
        return StubTransport { _ in .token("tok-\(counter.next())", expiresIn: expiresIn) }
    }

    private func form(_ request: TransportRequest) throws -> [String: String] {
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test func clientSecretRequestIsTheV2FormPost() async throws {
        let transport = tokenEndpoint()
        let provider = TokenProvider(
            credentials: try secretCredentials(), resource: CloudPreset.public.tokenResource,
            transport: transport, clock: clock)
        #expect(try await provider.token() == "tok-1")
        let request = try #require(transport.requests.first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://login.microsoftonline.com/contoso/oauth2/v2.0/token")
        #expect(request.headers["Content-Type"] == "application/x-www-form-urlencoded")
        #expect(
            try form(request) == [
                "grant_type": "client_credentials", "client_id": "app-id", "client_secret": "s3cr3t+/=",
                "scope": "https://api.securitycenter.microsoft.com/.default",
            ])
    }

    @Test func certificateRequestSendsASignedAssertion() async throws {
        let credentials = try Credentials.fromEnvironment(
            [
                "MDE_TENANT_ID": "contoso", "MDE_CLIENT_ID": "app-id",
                "MDE_CLIENT_CERTIFICATE": try AuthTestFixtures.certificatePath,
            ], now: clock.now)
        let transport = tokenEndpoint()
        let provider = TokenProvider(
            credentials: credentials, resource: CloudPreset.gcc.tokenResource, transport: transport, clock: clock)
        _ = try await provider.token()
        let fields = try form(try #require(transport.requests.first))
        #expect(fields["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        #expect(fields["client_assertion"]?.split(separator: ".").count == 3)
        #expect(fields["client_secret"] == nil)
        #expect(fields["scope"] == "https://api-gcc.securitycenter.microsoft.us/.default")
    }

    @Test func cachedTokenIsReusedUntilFiveMinutesBeforeExpiry() async throws {
        let transport = tokenEndpoint(expiresIn: 3600)
        let provider = TokenProvider(
            credentials: try secretCredentials(), resource: "https://api.securitycenter.microsoft.com",
            transport: transport, clock: clock)
        #expect(try await provider.token() == "tok-1")
        clock.advance(by: 3600 - 300 - 1)
        #expect(try await provider.token() == "tok-1")
        #expect(transport.requests.count == 1)
        clock.advance(by: 1)
        #expect(try await provider.token() == "tok-2")
        #expect(transport.requests.count == 2)
        #expect(await provider.expiresAt == clock.now.addingTimeInterval(3600))
    }

    @Test func shortLivedTokensRefreshAtHalfTheirLifetime() async throws {
        let transport = tokenEndpoint(expiresIn: 60)
        let provider = TokenProvider(
            credentials: try secretCredentials(), resource: "r", transport: transport, clock: clock)
        _ = try await provider.token()
        clock.advance(by: 29)
        #expect(try await provider.token() == "tok-1")
        clock.advance(by: 1)
        #expect(try await provider.token() == "tok-2")
    }

    @Test func invalidateForcesARefresh() async throws {
        let transport = tokenEndpoint()
        let provider = TokenProvider(credentials: try secretCredentials(), resource: "r", transport: transport, clock: clock)
        #expect(try await provider.token() == "tok-1")
        await provider.invalidate()
        #expect(try await provider.token() == "tok-2")
        #expect(await provider.tokenRequestCount == 2)
    }

    @Test(.timeLimit(.minutes(1)))
    func concurrentCallersShareOneRefresh() async throws {
        // Given a token endpoint that answers only when the test lets it
        let gate = ClientTestGate()
        let counter = ClientTestCounter()
        let transport = StubTransport { _ in
            _ = counter.next()
            await gate.wait()
            return .token("shared")
        }
        let provider = TokenProvider(credentials: try secretCredentials(), resource: "r", transport: transport, clock: clock)
        // When 20 callers ask at once
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.token() } }
            while counter.current == 0 { await Task.yield() }
            for _ in 0..<50 { await Task.yield() }
            gate.open()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Then one request served them all
        #expect(tokens == Array(repeating: "shared", count: 20))
        #expect(counter.current == 1)
        #expect(await provider.tokenRequestCount == 1)
    }

    @Test func tokenEndpointErrorsBecomeTokenRequestFailed() async throws {
        let body =
            #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2"}"#
        let transport = StubTransport(replies: [.response(.json(401, body)), .failure(.connection("connection refused"))])
        let provider = TokenProvider(credentials: try secretCredentials(), resource: "r", transport: transport, clock: clock)
        let error = await #expect(throws: AuthError.self) { try await provider.token() }
        #expect(
            error
                == .tokenRequestFailed(
                    status: 401, code: "invalid_client", description: "AADSTS7000215: Invalid client secret provided."))
        #expect(error?.description.contains("s3cr3t") == false)
        // A failed refresh is not cached: the next call tries again.
        await #expect(throws: AuthError.tokenEndpointUnreachable("The connection failed: connection refused.")) {
            try await provider.token()
        }
        #expect(transport.requests.count == 2)
    }

    @Test func tokenResponsesWithoutATokenAreRefused() async throws {
        let transport = StubTransport(replies: [
            .response(.json(200, #"{"token_type":"Bearer","expires_in":"3599"}"#)),
            .response(.json(200, #"{"access_token":"t","expires_in":"3599"}"#)),
        ])
        let provider = TokenProvider(credentials: try secretCredentials(), resource: "r", transport: transport, clock: clock)
        await #expect(throws: AuthError.invalidTokenResponse("access_token is missing")) { try await provider.token() }
        // expires_in as a string (v1 style) is accepted.
        #expect(try await provider.token() == "t")
    }

    @Test func staticTokenIsServedUntilItExpiresOrIsRejected() async throws {
        let exp = clock.now.addingTimeInterval(600)
        let jwt = try AuthTestFixtures.jwt(claims: ["exp": exp.timeIntervalSince1970])
        let credentials = try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": jwt], now: clock.now)
        let transport = StubTransport()
        let provider = TokenProvider(credentials: credentials, resource: "r", transport: transport, clock: clock)
        #expect(try await provider.token() == jwt)
        clock.advance(by: 600)
        await #expect(throws: AuthError.accessTokenExpired(expiredAt: exp)) { try await provider.token() }
        #expect(transport.requests.isEmpty)

        let fresh = TokenProvider(credentials: credentials, resource: "r", transport: transport, clock: ManualWallClock())
        await fresh.invalidate()
        await #expect(throws: AuthError.accessTokenRejected) { try await fresh.token() }
    }
}

/// Suspends callers until `open()`.
final class ClientTestGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
