import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

struct TokenTests {
    static let scope = "https://api.securitycenter.microsoft.com/.default"

    /// An unsigned-looking but well-formed client assertion (the emulator does not verify signatures).
    static func assertion(iss: String, sub: String, aud: String, exp: Double) -> String {
        func part(_ object: [String: Any]) -> String {
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            return data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let header = part(["alg": "RS256", "typ": "JWT", "x5t": "abc"])
        let claims = part(["iss": iss, "sub": sub, "aud": aud, "exp": exp, "nbf": exp - 600, "jti": UUID().uuidString])
        return "\(header).\(claims).c2lnbmF0dXJl"
    }

    @Test func clientSecretOnV2GivesAnEntraShapedTokenWithReadableExpiry() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let response = try await client.tokenRequest(
                configuration,
                form: [
                    "grant_type": "client_credentials", "client_id": configuration.clientId,
                    "client_secret": configuration.clientSecret, "scope": Self.scope,
                ])
            #expect(response.status == .ok)
            #expect(try jsonKeys(response) == ["token_type", "expires_in", "ext_expires_in", "access_token"])
            let token = try decode(TokenResponse.self, response)
            #expect(token.tokenType == "Bearer")
            #expect(token.expiresIn == 3599)
            #expect(token.extExpiresIn == 0)
            let parts = token.accessToken.split(separator: ".")
            try #require(parts.count == 3)
            var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while payload.count % 4 != 0 { payload += "=" }
            let payloadData = try #require(Data(base64Encoded: payload))
            let claims = try #require(try JSONSerialization.jsonObject(with: payloadData) as? [String: Any])
            let origin = Int(Sample.origin.timeIntervalSince1970)
            #expect((claims["exp"] as? NSNumber)?.intValue == origin + 3599)
        }
    }

    @Test func v1EndpointAcceptsResource() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let response = try await client.tokenRequest(
                configuration,
                form: [
                    "grant_type": "client_credentials", "client_id": configuration.clientId,
                    "client_secret": configuration.clientSecret, "resource": "https://api.securitycenter.microsoft.com",
                ],
                path: "/\(configuration.tenantId)/oauth2/token"
            )
            #expect(response.status == .ok)
            #expect(try decode(TokenResponse.self, response).resource == "https://api.securitycenter.microsoft.com")
        }
    }

    @Test(arguments: [
        ("tenant", 400, "invalid_request"),
        ("client_id", 400, "unauthorized_client"),
        ("client_secret", 401, "invalid_client"),
        ("grant_type", 400, "unsupported_grant_type"),
        ("scope", 400, "invalid_scope"),
    ])
    func wrongCredentialsGetEntraErrors(wrong: String, status: Int, error: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            var form = [
                "grant_type": "client_credentials", "client_id": configuration.clientId,
                "client_secret": configuration.clientSecret, "scope": Self.scope,
            ]
            var tenant = configuration.tenantId
            if wrong == "tenant" { tenant = "another-tenant" } else { form[wrong] = "wrong" }
            let response = try await client.tokenRequest(configuration, form: form, path: "/\(tenant)/oauth2/v2.0/token")
            #expect(response.status.code == status)
            let body = try decode(EntraErrorBody.self, response)
            #expect(body.error == error)
            #expect(body.errorDescription.hasPrefix("AADSTS"))
        }
    }

    @Test func clientAssertionWithMatchingClaimsGetsAToken() async throws {
        let configuration = Sample.configuration()
        let path = "/\(configuration.tenantId)/oauth2/v2.0/token"
        try await makeEmulator(configuration).test(.router) { client in
            let exp = Sample.origin.timeIntervalSince1970 + 300
            let good = Self.assertion(
                iss: configuration.clientId, sub: configuration.clientId, aud: "http://127.0.0.1:1\(path)", exp: exp)
            let response = try await client.tokenRequest(
                configuration,
                form: [
                    "grant_type": "client_credentials", "client_id": configuration.clientId, "scope": Self.scope,
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": good,
                ])
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ["iss", "aud", "exp", "structure"])
    func badClientAssertionsAreRejected(flaw: String) async throws {
        let configuration = Sample.configuration()
        let path = "/\(configuration.tenantId)/oauth2/v2.0/token"
        try await makeEmulator(configuration).test(.router) { client in
            let now = Sample.origin.timeIntervalSince1970
            var assertion = Self.assertion(
                iss: flaw == "iss" ? "someone-else" : configuration.clientId, sub: configuration.clientId,
                aud: flaw == "aud" ? "https://login.microsoftonline.com/x/oauth2/v2.0/token" : "http://localhost\(path)",
                exp: flaw == "exp" ? now - 1 : now + 300
            )
            if flaw == "structure" { assertion = "only.two" }
            let response = try await client.tokenRequest(
                configuration,
                form: [
                    "grant_type": "client_credentials", "client_id": configuration.clientId, "scope": Self.scope,
                    "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    "client_assertion": assertion,
                ])
            #expect(response.status == .unauthorized)
            #expect(try decode(EntraErrorBody.self, response).error == "invalid_client")
        }
    }

    @Test func tokenRequestThatIsNotFormEncodedIs400() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let response = try await client.post(
                "/\(configuration.tenantId)/oauth2/v2.0/token", token: nil, json: #"{"grant_type":"client_credentials"}"#
            )
            #expect(response.status == .badRequest)
            #expect(try decode(EntraErrorBody.self, response).error == "invalid_request")
        }
    }
}
