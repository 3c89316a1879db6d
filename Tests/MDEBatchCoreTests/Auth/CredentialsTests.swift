import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing

struct CredentialsTests {
    private let now = ManualWallClock().now

    @Test func accessTokenIsReadWithItsExpiry() throws {
        let token = try AuthTestFixtures.jwt(claims: [
            "exp": now.timeIntervalSince1970 + 3000, "aud": "https://api.securitycenter.microsoft.com",
        ])
        let credentials = try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": token], now: now)
        guard case .accessToken(let staticToken) = credentials.method else {
            Issue.record("expected a static token")
            return
        }
        #expect(staticToken.token.value == token)
        #expect(staticToken.expiresAt == Date(timeIntervalSince1970: (now.timeIntervalSince1970 + 3000).rounded(.down)))
        #expect(staticToken.audience == "https://api.securitycenter.microsoft.com")
        #expect(!credentials.description.contains(token))
        #expect(!String(describing: staticToken).contains(token))
    }

    @Test func expiredAccessTokenNamesWhenItExpired() throws {
        let expired = try AuthTestFixtures.jwt(claims: ["exp": 1_799_996_400])  // 2027-01-15T07:00:00Z
        let error = #expect(throws: AuthError.self) {
            try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": expired], now: now)
        }
        #expect(error == .accessTokenExpired(expiredAt: Date(timeIntervalSince1970: 1_799_996_400)))
        #expect(error?.description.contains("expired at 2027-01-15T07:00:00Z") == true)
        #expect(error?.description.contains(expired) == false)
    }

    @Test func malformedJWTIsRefusedButOpaqueTokensPass() throws {
        let error = #expect(throws: AuthError.self) {
            try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": "aaa.!!!.ccc"], now: now)
        }
        #expect(error == .malformedAccessToken(reason: "its payload is not base64url JSON"))
        let noExp = try AuthTestFixtures.jwt(claims: ["aud": "x"])
        #expect(throws: AuthError.malformedAccessToken(reason: "it has no numeric exp claim")) {
            try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": noExp], now: now)
        }
        let opaque = try Credentials.fromEnvironment(["MDE_ACCESS_TOKEN": "opaque-emulator-token"], now: now)
        guard case .accessToken(let token) = opaque.method else {
            Issue.record("expected a token")
            return
        }
        #expect(token.expiresAt == nil)
    }

    @Test func clientSecretSet() throws {
        let env = ["MDE_TENANT_ID": "contoso-tenant", "MDE_CLIENT_ID": "app-id", "MDE_CLIENT_SECRET": "s3cr3t-value"]
        let credentials = try Credentials.fromEnvironment(env, now: now)
        #expect(credentials.method == .clientSecret(Secret("s3cr3t-value")))
        #expect(credentials.tenantId == "contoso-tenant")
        #expect(credentials.clientId == "app-id")
        #expect(
            credentials.tokenEndpoint?.absoluteString
                == "https://login.microsoftonline.com/contoso-tenant/oauth2/v2.0/token")
        #expect(!credentials.description.contains("s3cr3t-value"))
        #expect(!String(reflecting: credentials).contains("s3cr3t-value"))
        var dumped = ""
        dump(credentials, to: &dumped)
        #expect(!dumped.contains("s3cr3t-value"))
    }

    @Test func clientSecretFileIsReadAndTrimmed() throws {
        let directory = try AuthTestFixtures.temporaryDirectory()
        let file = directory.appendingPathComponent("secret")
        try Data("  from-file-secret\n".utf8).write(to: file)
        let env = ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET_FILE": file.path]
        #expect(try Credentials.fromEnvironment(env, now: now).method == .clientSecret(Secret("from-file-secret")))

        let empty = directory.appendingPathComponent("empty")
        try Data("\n".utf8).write(to: empty)
        #expect(throws: AuthError.secretFileEmpty(variable: "MDE_CLIENT_SECRET_FILE", path: empty.path)) {
            try Credentials.fromEnvironment(
                ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET_FILE": empty.path], now: now)
        }
        let missing = directory.appendingPathComponent("nope").path
        #expect(throws: AuthError.secretFileUnreadable(variable: "MDE_CLIENT_SECRET_FILE", path: missing, reason: "no such file"))
        {
            try Credentials.fromEnvironment(
                ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET_FILE": missing], now: now)
        }
    }

    @Test func clientCertificateSet() throws {
        let path = try AuthTestFixtures.certificatePath
        let env = ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_CERTIFICATE": path]
        let credentials = try Credentials.fromEnvironment(env, now: now)
        guard case .clientCertificate(let certificate) = credentials.method else {
            Issue.record("expected a certificate")
            return
        }
        #expect(certificate.sha1Thumbprint == (try AuthTestFixtures.expectedThumbprint))
        #expect(!credentials.description.contains("PRIVATE"))
    }

    @Test func azureNamesAreReadWhenNoMDENameIsSet() throws {
        let env = [
            "AZURE_TENANT_ID": "az-tenant", "AZURE_CLIENT_ID": "az-client", "AZURE_CLIENT_SECRET": "az-secret",
            "AZURE_AUTHORITY_HOST": "https://login.microsoftonline.us",
        ]
        let credentials = try Credentials.fromEnvironment(env, now: now)
        #expect(credentials.tenantId == "az-tenant")
        #expect(credentials.method == .clientSecret(Secret("az-secret")))
        #expect(credentials.authority.absoluteString == "https://login.microsoftonline.us")
        let certificate = try Credentials.fromEnvironment(
            [
                "AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c",
                "AZURE_CLIENT_CERTIFICATE_PATH": try AuthTestFixtures.certificatePath,
            ], now: now)
        #expect(certificate.variables == ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_CERTIFICATE_PATH"])
    }

    @Test func mdeNamesWinOverAzureNames() throws {
        let env = [
            "MDE_TENANT_ID": "mde-t", "MDE_CLIENT_ID": "mde-c", "MDE_CLIENT_SECRET": "mde-s",
            "AZURE_TENANT_ID": "az-t", "AZURE_CLIENT_ID": "az-c", "AZURE_CLIENT_SECRET": "az-s",
        ]
        let credentials = try Credentials.fromEnvironment(env, now: now)
        #expect(credentials.tenantId == "mde-t")
        #expect(credentials.method == .clientSecret(Secret("mde-s")))
        // An incomplete MDE set is reported as such, not silently completed from AZURE_ names.
        #expect(throws: AuthError.missingVariable(missing: "MDE_TENANT_ID", present: "MDE_CLIENT_ID")) {
            try Credentials.fromEnvironment(
                ["MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET": "s", "AZURE_TENANT_ID": "t"], now: now)
        }
    }

    @Test func authorityOverrideAndCloudDefault() throws {
        let base = ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET": "s"]
        #expect(
            try Credentials.fromEnvironment(base, cloud: .gccHigh, now: now).tokenEndpoint?.absoluteString
                == "https://login.microsoftonline.us/t/oauth2/v2.0/token")
        var custom = base
        custom["MDE_AUTHORITY"] = "http://127.0.0.1:8080"
        #expect(
            try Credentials.fromEnvironment(custom, now: now).tokenEndpoint?.absoluteString
                == "http://127.0.0.1:8080/t/oauth2/v2.0/token")
        custom["MDE_AUTHORITY"] = "login.partner.example"
        #expect(try Credentials.fromEnvironment(custom, now: now).authority.absoluteString == "https://login.partner.example")
        custom["MDE_AUTHORITY"] = "http://login.example.com"
        #expect(throws: AuthError.invalidAuthority("http://login.example.com")) {
            try Credentials.fromEnvironment(custom, now: now)
        }
        // `localhost.` is resolved through DNS: not loopback, so no secret goes out in clear.
        custom["MDE_AUTHORITY"] = "http://localhost.:8080"
        #expect(throws: AuthError.invalidAuthority("http://localhost.:8080")) {
            try Credentials.fromEnvironment(custom, now: now)
        }
        custom["MDE_AUTHORITY"] = "http://localhost:8080"
        #expect(try Credentials.fromEnvironment(custom, now: now).authority.absoluteString == "http://localhost:8080")
    }

    static let incompleteSets: [([String: String], AuthError)] = [
        ([:], .noCredentials),
        (["MDE_TENANT_ID": ""], .noCredentials),
        (["MDE_TENANT_ID": "t"], .missingVariable(missing: "MDE_CLIENT_ID", present: "MDE_TENANT_ID")),
        (["MDE_CLIENT_SECRET": "s"], .missingVariable(missing: "MDE_CLIENT_ID", present: "MDE_CLIENT_SECRET")),
        (["MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET": "s"], .missingVariable(missing: "MDE_TENANT_ID", present: "MDE_CLIENT_ID")),
        (
            ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c"],
            .missingClientCredential(
                clientIdVariable: "MDE_CLIENT_ID",
                options: ["MDE_CLIENT_SECRET", "MDE_CLIENT_SECRET_FILE", "MDE_CLIENT_CERTIFICATE"])
        ),
        (
            ["AZURE_TENANT_ID": "t", "AZURE_CLIENT_ID": "c"],
            .missingClientCredential(
                clientIdVariable: "AZURE_CLIENT_ID",
                options: ["AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH"])
        ),
        (
            ["AZURE_CLIENT_ID": "c", "AZURE_CLIENT_SECRET": "s"],
            .missingVariable(missing: "AZURE_TENANT_ID", present: "AZURE_CLIENT_ID")
        ),
        (
            ["MDE_TENANT_ID": "t", "MDE_CLIENT_ID": "c", "MDE_CLIENT_SECRET": "s", "MDE_CLIENT_CERTIFICATE": "/x.pem"],
            .conflictingCredentials(["MDE_CLIENT_SECRET", "MDE_CLIENT_CERTIFICATE"])
        ),
    ]

    @Test(arguments: incompleteSets)
    func incompleteSetsAreNamedPrecisely(env: [String: String], expected: AuthError) {
        let error = #expect(throws: AuthError.self) { try Credentials.fromEnvironment(env, now: now) }
        #expect(error == expected)
    }

    @Test func incompleteSetMessagesReadAsInstructions() {
        let missing = AuthError.missingClientCredential(
            clientIdVariable: "MDE_CLIENT_ID",
            options: ["MDE_CLIENT_SECRET", "MDE_CLIENT_SECRET_FILE", "MDE_CLIENT_CERTIFICATE"])
        #expect(
            missing.description
                == "MDE_CLIENT_ID is set but neither MDE_CLIENT_SECRET, MDE_CLIENT_SECRET_FILE nor MDE_CLIENT_CERTIFICATE is; set one of them."
        )
        #expect(
            AuthError.missingVariable(missing: "MDE_TENANT_ID", present: "MDE_CLIENT_ID").description
                == "MDE_CLIENT_ID is set but MDE_TENANT_ID is not; set MDE_TENANT_ID too.")
        #expect(
            AuthError.conflictingCredentials(["MDE_CLIENT_SECRET", "MDE_CLIENT_CERTIFICATE"]).description
                == "MDE_CLIENT_SECRET and MDE_CLIENT_CERTIFICATE are both set; set only one way to authenticate.")
    }

    @Test func unusableCertificatesAreNamed() throws {
        let directory = try AuthTestFixtures.temporaryDirectory()
        let certOnly = directory.appendingPathComponent("cert-only.pem")
        let pem = try String(contentsOfFile: try AuthTestFixtures.certificatePath, encoding: .utf8)
        let certificateBlock = String(pem[..<(try #require(pem.range(of: "-----BEGIN PRIVATE KEY-----"))).lowerBound])
        try Data(certificateBlock.utf8).write(to: certOnly)
        #expect(throws: AuthError.certificateInvalid(path: certOnly.path, reason: "it holds no PRIVATE KEY block")) {
            try ClientCertificate(contentsOf: certOnly.path)
        }
        let missing = directory.appendingPathComponent("absent.pem").path
        #expect(throws: AuthError.certificateUnreadable(path: missing, reason: "no such file")) {
            try ClientCertificate(contentsOf: missing)
        }
    }
}
