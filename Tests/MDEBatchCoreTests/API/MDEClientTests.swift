import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Synchronization
import Testing

struct MDEClientTests {
    private static let machine = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07"
    private static let sha1 = "87662bc3d60e4200ceaf7aae249d1c343f4b83c9"
    private let clock = ManualWallClock()

    /// A client whose token endpoint and API share one stub: token requests answer "tok-1", "tok-2", …;
    /// API requests get the scripted replies in order.
    private func makeClient(
        _ replies: [StubTransport.Reply], baseURL: String = "https://api.security.microsoft.com"
    ) throws -> (MDEClient, StubTransport, TokenProvider) {
        let script = StubTransport(replies: replies)
        let tokenCount = ClientTestCounter()
        let transport = StubTransport { request in
            if request.url.path.hasSuffix("/oauth2/v2.0/token") {
                return .token("tok-\(tokenCount.next())")
            }
            return try await script.send(request, timeout: 30)
        }
        let credentials = Credentials(
            method: .clientSecret(Secret("s3cret")), tenantId: "tenant", clientId: "client",
            authority: try #require(URL(string: "https://login.microsoftonline.com")), variables: [])
        let tokens = TokenProvider(
            credentials: credentials, resource: CloudPreset.public.tokenResource, transport: transport, clock: clock)
        let client = MDEClient(
            baseURL: try #require(URL(string: baseURL)), transport: transport, tokens: tokens, requestTimeout: 12,
            userAgent: "mdebatch/test", clock: clock)
        return (client, transport, tokens)
    }

    private func apiRequests(_ transport: StubTransport) -> [TransportRequest] {
        transport.requests.filter { !$0.url.path.hasSuffix("/token") }
    }

    @Test func stopAndQuarantinePostsExactlyWhatTheWireWants() async throws {
        let (client, transport, _) = try makeClient([.response(.json(201, WireDecodingTests.xsoarExample))])
        let result = try await client.stopAndQuarantineFile(
            machineId: Self.machine, sha1: Self.sha1, comment: "Incident 42 [mdebatch j1]")
        #expect(result.value?.id == "123")
        guard case .success(_, let status) = result else {
            Issue.record("expected success")
            return
        }
        #expect(status == 201)

        let request = try #require(apiRequests(transport).first)
        #expect(apiRequests(transport).count == 1)
        #expect(request.method == "POST")
        #expect(
            request.url.absoluteString
                == "https://api.security.microsoft.com/api/machines/\(Self.machine)/StopAndQuarantineFile")
        #expect(request.headers["Authorization"] == "Bearer tok-1")
        #expect(request.headers["Content-Type"] == "application/json")
        #expect(request.headers["User-Agent"] == "mdebatch/test")
        let body = try #require(request.body)
        let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
        #expect(object == ["Comment": "Incident 42 [mdebatch j1]", "Sha1": Self.sha1])
        #expect(
            String(decoding: body, as: UTF8.self)
                == #"{"Comment":"Incident 42 [mdebatch j1]","Sha1":"\#(Self.sha1)"}"#)
    }

    @Test func requestTimeoutIsPassedToTheTransport() async throws {
        let script = StubTransport(replies: [.response(.json(201, #"{"id":"a"}"#))])
        let credentials = Credentials(
            method: .accessToken(try StaticToken(token: "opaque", now: clock.now)), tenantId: nil, clientId: nil,
            authority: CloudPreset.public.loginAuthority, variables: [])
        let tokens = TokenProvider(credentials: credentials, resource: "r", transport: script, clock: clock)
        let client = MDEClient(
            baseURL: CloudPreset.public.apiBase, transport: script, tokens: tokens, requestTimeout: 12,
            userAgent: "ua")
        _ = try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c")
        #expect(script.timeouts == [12])
        #expect(script.requests.first?.headers["Authorization"] == "Bearer opaque")
    }

    @Test func cancelPostsTheCommentToTheActionsCancelRoute() async throws {
        let (client, transport, _) = try makeClient(
            [.response(.json(200, #"{"id":"988cc94e","status":"Cancelled"}"#))],
            baseURL: "https://api-gov.securitycenter.microsoft.us/")
        let result = try await client.cancelMachineAction(id: "988cc94e", comment: "Undo [mdebatch j1]")
        #expect(result.value?.status == .cancelled)
        let request = try #require(apiRequests(transport).first)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == "https://api-gov.securitycenter.microsoft.us/api/machineactions/988cc94e/cancel")
        #expect(String(decoding: try #require(request.body), as: UTF8.self) == #"{"Comment":"Undo [mdebatch j1]"}"#)
        #expect(request.headers["Content-Type"] == "application/json")
    }

    @Test func getOneActionHasNoBody() async throws {
        let (client, transport, _) = try makeClient([.response(.json(200, WireDecodingTests.witpExample))])
        let result = try await client.machineAction(id: "141408d1-384c-4c19-8b57-ba39e378011a")
        #expect(result.value?.status == .inProgress)
        let request = try #require(apiRequests(transport).first)
        #expect(request.method == "GET")
        #expect(request.url.path == "/api/machineactions/141408d1-384c-4c19-8b57-ba39e378011a")
        #expect(request.body == nil)
        #expect(request.headers["Content-Type"] == nil)
        #expect(request.headers["Authorization"] == "Bearer tok-1")
    }

    @Test func listEncodesFilterTopAndSkip() async throws {
        let (client, transport, _) = try makeClient([.response(.json(200, #"{"value":[{"id":"a"},{"id":"b"}]}"#))])
        let filter = MachineActionFilter.ids(["a", "b"])
        let result = try await client.listMachineActions(filter: filter, top: 1000, skip: 2000)
        #expect(result.value?.value.map(\.id) == ["a", "b"])
        let request = try #require(apiRequests(transport).first)
        #expect(
            request.url.absoluteString
                == "https://api.security.microsoft.com/api/machineactions?$filter=id%20in%20%28%27a%27%2C%27b%27%29&$top=1000&$skip=2000"
        )
        let items = URLComponents(url: request.url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        #expect(items.first { $0.name == "$filter" }?.value == "id in ('a','b')")
    }

    @Test func errorBodiesBecomeFailuresWithCodeMessageTargetAndRetryAfter() async throws {
        let (client, _, _) = try makeClient([
            .response(
                .json(
                    400,
                    #"{"error":{"code":"ActiveRequestAlreadyExists","message":"Action is already in progress","target":"t-1"}}"#)),
            .response(.json(429, #"{"error":{"code":"TooManyRequests","message":"Rate limit"}}"#, headers: ["Retry-After": "7"])),
            .response(TransportResponse(status: 502, body: Data("<html>Bad Gateway</html>".utf8))),
            .response(.json(201, #"{"unexpected":true}"#)),
        ])
        let pending = try #require(
            try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c").failure)
        #expect(
            pending
                == CallFailure(
                    kind: .http(status: 400), code: "ActiveRequestAlreadyExists", message: "Action is already in progress",
                    target: "t-1"))
        #expect(pending.category == .alreadyPending)

        let limited = try #require(
            try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c").failure)
        #expect(limited.category == .rateLimited)
        #expect(limited.retryAfter == 7)

        let gateway = try #require(
            try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c").failure)
        #expect(gateway.category == .inDoubt)
        #expect(gateway.code == nil)
        #expect(gateway.message == "<html>Bad Gateway</html>")

        let unreadable = try #require(
            try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c").failure)
        guard case .invalidResponse(let reason) = unreadable.kind else {
            Issue.record("expected invalidResponse, got \(unreadable.kind)")
            return
        }
        #expect(reason.contains("missing 'id'"))
        #expect(unreadable.category == .inDoubt)
    }

    @Test func transportErrorsBecomeInDoubtFailuresWithoutRetrying() async throws {
        let (client, transport, _) = try makeClient([
            .failure(.timeout), .failure(.connection("connection reset by peer")),
        ])
        let timedOut = try await client.stopAndQuarantineFile(machineId: Self.machine, sha1: Self.sha1, comment: "c")
        #expect(timedOut.failure == CallFailure(kind: .timeout))
        let dropped = try await client.machineAction(id: "x")
        #expect(dropped.failure == CallFailure(kind: .connection("connection reset by peer")))
        #expect(apiRequests(transport).count == 2)
    }

    @Test func retryAfterAsAnHTTPDateIsReadAgainstTheClock() async throws {
        // The manual clock starts at 2027-01-15T08:00:00Z.
        #expect(clock.now == Date(timeIntervalSince1970: 1_800_000_000))
        let date = "Fri, 15 Jan 2027 08:00:42 GMT"
        let (client, _, _) = try makeClient([.response(TransportResponse(status: 503, headers: ["Retry-After": date]))])
        let failure = try #require(try await client.machineAction(id: "x").failure)
        #expect(failure.retryAfter == 42)
        #expect(failure.category == .inDoubt)
    }

    @Test func afterInvalidateTheNextRequestCarriesAFreshToken() async throws {
        let (client, transport, tokens) = try makeClient([
            .response(.json(401, #"{"error":{"code":"Unauthorized","message":"expired"}}"#)),
            .response(.json(200, #"{"id":"x"}"#)),
        ])
        let first = try #require(try await client.machineAction(id: "x").failure)
        #expect(first.category == .unauthorized)
        await tokens.invalidate()
        #expect(try await client.machineAction(id: "x").value?.id == "x")
        #expect(apiRequests(transport).map { $0.headers["Authorization"] } == ["Bearer tok-1", "Bearer tok-2"])
    }

    @Test func pathSegmentsAreEscaped() async throws {
        let (client, transport, _) = try makeClient([.response(.json(200, #"{"id":"x"}"#))])
        _ = try await client.machineAction(id: "a/b?c")
        #expect(
            apiRequests(transport).first?.url.absoluteString
                == "https://api.security.microsoft.com/api/machineactions/a%2Fb%3Fc")
    }
}

/// A thread-safe counter for handler closures.
final class ClientTestCounter: Sendable {
    private let value = Mutex(0)
    func next() -> Int {
        value.withLock {
            $0 += 1
            return $0
        }
    }
    var current: Int { value.withLock { $0 } }
}
