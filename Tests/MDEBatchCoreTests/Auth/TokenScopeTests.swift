import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

/// The token request the client sends for each cloud preset asks for the MDE resource with the
/// v2 client-credentials scope `{resource}/.default`, at the preset's login host.
///
/// The real API answers 403 to a token for another audience (for example
/// `https://api.security.microsoft.com` where the legacy resource is expected, or Microsoft Graph):
/// "If the token audience doesn't match the resource expected by the API, requests fail with
/// 403 Forbidden" (https://learn.microsoft.com/en-us/defender-endpoint/api/exposed-apis-create-app-webapp).
/// The government values are the API endpoints of
/// https://learn.microsoft.com/en-us/defender-endpoint/gov.
struct TokenScopeTests {
    /// What each preset must send, written out independently of `CloudPreset`.
    static func expected(_ cloud: CloudPreset) -> (tokenURL: String, scope: String) {
        switch cloud {
        case .public:
            ("https://login.microsoftonline.com/contoso/oauth2/v2.0/token", "https://api.securitycenter.microsoft.com/.default")
        case .gcc:
            (
                "https://login.microsoftonline.com/contoso/oauth2/v2.0/token",
                "https://api-gcc.securitycenter.microsoft.us/.default"
            )
        case .gccHigh:
            ("https://login.microsoftonline.us/contoso/oauth2/v2.0/token", "https://api-gov.securitycenter.microsoft.us/.default")
        case .dod:
            ("https://login.microsoftonline.us/contoso/oauth2/v2.0/token", "https://api-gov.securitycenter.microsoft.us/.default")
        }
    }

    enum Method: String, CaseIterable, Sendable {
        case secret, certificate
    }

    static func environment(_ method: Method) throws -> [String: String] {
        var environment = ["MDE_TENANT_ID": "contoso", "MDE_CLIENT_ID": "app-id"]
        switch method {
        case .secret: environment["MDE_CLIENT_SECRET"] = "s3cr3t"
        case .certificate: environment["MDE_CLIENT_CERTIFICATE"] = try AuthTestFixtures.certificatePath
        }
        return environment
    }

    /// The form fields of a token request body.
    static func form(_ request: TransportRequest) throws -> [String: String] {
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? "" }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test(arguments: CloudPreset.allCases, Method.allCases)
    func tokenRequestAsksForTheMDEResourceWithDotDefault(cloud: CloudPreset, method: Method) async throws {
        // Given credentials and the token resource of the preset, as the CLI wires them
        let clock = ManualWallClock()
        let credentials = try Credentials.fromEnvironment(try Self.environment(method), cloud: cloud, now: clock.now)
        let transport = StubTransport { _ in .token("tok") }
        let provider = TokenProvider(credentials: credentials, resource: cloud.tokenResource, transport: transport, clock: clock)
        // When a token is fetched
        #expect(try await provider.token() == "tok")
        // Then the one request goes to the preset's v2 endpoint with scope {resource}/.default
        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url.absoluteString == Self.expected(cloud).tokenURL)
        let fields = try Self.form(request)
        #expect(fields["grant_type"] == "client_credentials")
        #expect(fields["scope"] == Self.expected(cloud).scope)
        #expect(fields["resource"] == nil)
        #expect(cloud.tokenScope == Self.expected(cloud).scope)
    }
}
