import Foundation
import Hummingbird
import NIOCore

/// The Entra ID token endpoints, v2 (`/{tenant}/oauth2/v2.0/token`) and v1 (`/{tenant}/oauth2/token`):
/// client credentials with a client secret or a client assertion.
struct TokenRoutes<C: Clock<Duration>>: Sendable {
    typealias Context = EmulatorRequestContext
    let state: EmulatorState<C>
    var configuration: EmulatorConfiguration { state.configuration }

    static var jwtBearer: String { "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" }

    func add(to router: Router<Context>) {
        router.post("/:tenant/oauth2/v2.0/token") { request, context in
            try await self.token(request, context: context, version: 2)
        }
        router.post("/:tenant/oauth2/token") { request, context in
            try await self.token(request, context: context, version: 1)
        }
    }

    func token(_ request: Request, context: Context, version: Int) async throws -> Response {
        let tenant = context.parameters.get("tenant") ?? ""
        let form = try await formBody(request)
        guard tenant.lowercased() == configuration.tenantId.lowercased() else {
            throw EntraError(
                status: .badRequest, error: "invalid_request", code: 90002,
                description: "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID."
            )
        }
        guard let grantType = form["grant_type"] else { throw missing("grant_type") }
        guard grantType == "client_credentials" else {
            throw EntraError(
                status: .badRequest, error: "unsupported_grant_type", code: 70003,
                description: "The app requested an unsupported grant type '\(grantType)'."
            )
        }
        guard let clientId = form["client_id"] else { throw missing("client_id") }
        guard clientId.lowercased() == configuration.clientId.lowercased() else {
            throw EntraError(
                status: .badRequest, error: "unauthorized_client", code: 700016,
                description: "Application with identifier '\(clientId)' was not found in the directory '\(tenant)'."
            )
        }
        // The token's audience is the resource asked for, whatever it is: the API routes refuse
        // (403) a token whose audience is not an MDE resource (see `MDEAudience`).
        let audience: String
        if version == 2 {
            guard let scope = form["scope"] else { throw missing("scope") }
            guard scope.hasSuffix("/.default") else {
                throw EntraError(
                    status: .badRequest, error: "invalid_scope", code: 1_002_012,
                    description:
                        "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier."
                )
            }
            audience = String(scope.dropLast("/.default".count))
        } else {
            let resource = form["resource"] ?? "https://api.securitycenter.microsoft.com"
            if resource.hasSuffix("/.default") {
                throw EntraError(
                    status: .badRequest, error: "invalid_resource", code: 500011,
                    description: "The resource principal named \(resource) was not found in the tenant."
                )
            }
            audience = resource
        }
        try checkCredentials(form, request: request)
        let issued = await state.issueToken(audience: audience)
        let body = TokenResponse(
            expiresIn: issued.expiresIn, accessToken: issued.token,
            expiresOn: version == 1 ? String(issued.expiresOn) : nil, resource: version == 1 ? audience : nil
        )
        return try jsonResponse(status: .ok, body, headers: [.cacheControl: "no-store, no-cache"])
    }

    private func checkCredentials(_ form: [String: String], request: Request) throws {
        if let assertionType = form["client_assertion_type"] {
            guard assertionType == Self.jwtBearer else {
                throw EntraError(
                    status: .badRequest, error: "invalid_request", code: 50027,
                    description: "client_assertion_type must be '\(Self.jwtBearer)'."
                )
            }
            guard let assertion = form["client_assertion"] else { throw missing("client_assertion") }
            try checkAssertion(assertion, path: request.uri.path)
            return
        }
        guard let secret = form["client_secret"] else {
            throw EntraError(
                status: .unauthorized, error: "invalid_client", code: 7_000_216,
                description:
                    "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
            )
        }
        guard secret == configuration.clientSecret else {
            throw EntraError(
                status: .unauthorized, error: "invalid_client", code: 7_000_215,
                description:
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
            )
        }
    }

    /// Checks a client assertion's structure and claims: iss = sub = client id, aud = this token
    /// endpoint (any host; the path must match), exp in the future. The signature is not verified.
    private func checkAssertion(_ assertion: String, path: String) throws {
        func invalid(_ code: Int, _ description: String) -> EntraError {
            EntraError(status: .unauthorized, error: "invalid_client", code: code, description: description)
        }
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[2].isEmpty, let header = JWT.claims(ofPart: parts[0]),
            header["alg"] is String, let claims = JWT.claims(ofPart: parts[1])
        else {
            throw invalid(50012, "The client assertion is not a well-formed JWT (header.payload.signature).")
        }
        let clientId = configuration.clientId.lowercased()
        guard (claims["iss"] as? String)?.lowercased() == clientId, (claims["sub"] as? String)?.lowercased() == clientId else {
            throw invalid(700_023, "Client assertion iss and sub claims must both be the client id '\(configuration.clientId)'.")
        }
        let audiences: [String] = (claims["aud"] as? String).map { [$0] } ?? (claims["aud"] as? [String]) ?? []
        let matches = audiences.contains { audience in
            URL(string: audience).map { $0.path.lowercased() == path.lowercased() } ?? false
        }
        guard matches else {
            throw invalid(
                700_021,
                "Client assertion audience claim does not match Realm issuer: the aud claim must be this token endpoint (…\(path))."
            )
        }
        guard let exp = JWT.number(claims["exp"]) else { throw invalid(700_024, "Client assertion has no exp claim.") }
        let now = Double(state.now.ticks) / Double(EmulatorInstant.ticksPerSecond)
        guard exp > now else { throw invalid(700_024, "Client assertion is not within its valid time range (expired).") }
        if let nbf = JWT.number(claims["nbf"]), nbf > now + 300 {
            throw invalid(700_024, "Client assertion is not within its valid time range (nbf is in the future).")
        }
    }

    private func missing(_ parameter: String) -> EntraError {
        EntraError(
            status: .badRequest, error: "invalid_request", code: 900_144,
            description: "The request body must contain the following parameter: '\(parameter)'."
        )
    }

    private func formBody(_ request: Request) async throws -> [String: String] {
        let limit = configuration.maxBodyBytes
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw EntraError(
                status: .contentTooLarge, error: "invalid_request", code: 900_144,
                description: "The request body is larger than \(limit) bytes.")
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            throw EntraError(
                status: .badRequest, error: "invalid_request", code: 900_144,
                description: "The request body must be application/x-www-form-urlencoded and contain the parameter 'grant_type'."
            )
        }
        let text = String(buffer: buffer)
        var form: [String: String] = [:]
        for (name, value) in decodeQuery(text) where !name.isEmpty {
            form[name] = value
        }
        return form
    }
}
