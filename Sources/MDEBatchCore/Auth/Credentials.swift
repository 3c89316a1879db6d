import Foundation

/// How the tool authenticates, read from the environment only (never from flags).
///
/// ## Environment variables
/// - `MDE_ACCESS_TOKEN`: a bearer token obtained elsewhere; its JWT `exp` is checked up front.
/// - `MDE_TENANT_ID` + `MDE_CLIENT_ID` with exactly one of `MDE_CLIENT_SECRET`, `MDE_CLIENT_SECRET_FILE`
///   (the file's contents, trimmed) or `MDE_CLIENT_CERTIFICATE` (a PEM file with certificate and RSA key).
/// - `MDE_AUTHORITY`: the login host (default: the cloud's), e.g. `https://login.microsoftonline.us`.
/// - When no `MDE_` credential name is set: `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`,
///   `AZURE_CLIENT_CERTIFICATE_PATH` (and `AZURE_AUTHORITY_HOST`), as the Azure SDKs read them.
public struct Credentials: Sendable, Equatable, CustomStringConvertible {
    /// What proves the identity.
    public enum Method: Sendable, Equatable {
        /// A bearer token obtained elsewhere; it cannot be refreshed.
        case accessToken(StaticToken)
        /// An application secret.
        case clientSecret(Secret)
        /// A certificate whose key signs a client assertion.
        case clientCertificate(ClientCertificate)
    }

    public var method: Method
    /// The Entra tenant id (nil for a static token).
    public var tenantId: String?
    /// The application (client) id (nil for a static token).
    public var clientId: String?
    /// The login authority, e.g. `https://login.microsoftonline.com`.
    public var authority: URL
    /// The environment variables the credentials came from, for messages.
    public var variables: [String]

    public init(method: Method, tenantId: String?, clientId: String?, authority: URL, variables: [String]) {
        self.method = method
        self.tenantId = tenantId
        self.clientId = clientId
        self.authority = authority
        self.variables = variables
    }

    /// The v2 token endpoint: `{authority}/{tenant}/oauth2/v2.0/token` (nil for a static token).
    public var tokenEndpoint: URL? {
        guard let tenantId else { return nil }
        var base = authority.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let tenant = tenantId.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
        return URL(string: "\(base)/\(tenant ?? tenantId)/oauth2/v2.0/token")
    }

    public var description: String {
        switch method {
        case .accessToken(let token):
            return "static \(token) from MDE_ACCESS_TOKEN"
        case .clientSecret:
            return
                "client secret <redacted> for client \(clientId ?? "?") in tenant \(tenantId ?? "?") via \(authority.absoluteString)"
        case .clientCertificate(let certificate):
            return "\(certificate) for client \(clientId ?? "?") in tenant \(tenantId ?? "?") via \(authority.absoluteString)"
        }
    }

    private struct Names {
        var tenant: String
        var client: String
        var secret: String
        var secretFile: String?
        var certificate: String
        var authority: String
    }

    private static let mdeNames = Names(
        tenant: "MDE_TENANT_ID", client: "MDE_CLIENT_ID", secret: "MDE_CLIENT_SECRET",
        secretFile: "MDE_CLIENT_SECRET_FILE", certificate: "MDE_CLIENT_CERTIFICATE", authority: "MDE_AUTHORITY")
    private static let azureNames = Names(
        tenant: "AZURE_TENANT_ID", client: "AZURE_CLIENT_ID", secret: "AZURE_CLIENT_SECRET",
        secretFile: nil, certificate: "AZURE_CLIENT_CERTIFICATE_PATH", authority: "AZURE_AUTHORITY_HOST")

    /// Reads credentials from `env`.
    ///
    /// `MDE_ACCESS_TOKEN` wins when set. Otherwise the `MDE_` set is used if any of its credential names
    /// is set, else the `AZURE_` set. Empty values count as unset. Files are read here, so a bad path is
    /// reported before anything is sent.
    ///
    /// - Parameters:
    ///   - env: The environment, e.g. `ProcessInfo.processInfo.environment`.
    ///   - cloud: Gives the default login authority.
    ///   - now: To check a static token's expiry.
    /// - Throws: `AuthError` naming precisely what is missing, conflicting or unreadable.
    public static func fromEnvironment(
        _ env: [String: String], cloud: CloudPreset = .public, now: Date = Date()
    ) throws(AuthError) -> Credentials {
        func value(_ name: String?) -> String? {
            guard let name, let raw = env[name] else { return nil }
            let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        }
        if let token = value("MDE_ACCESS_TOKEN") {
            let authority = try resolveAuthority(from: value("MDE_AUTHORITY"), cloud: cloud)
            return Credentials(
                method: .accessToken(try StaticToken(token: token, now: now)), tenantId: nil, clientId: nil,
                authority: authority, variables: ["MDE_ACCESS_TOKEN"])
        }
        let mdeSet = [mdeNames.tenant, mdeNames.client, mdeNames.secret, mdeNames.secretFile, mdeNames.certificate]
            .contains { value($0) != nil }
        let names = mdeSet ? mdeNames : azureNames
        let tenant = value(names.tenant)
        let client = value(names.client)
        let secret = value(names.secret)
        let secretFile = value(names.secretFile)
        let certificate = value(names.certificate)
        var methods: [String] = []
        if secret != nil { methods.append(names.secret) }
        if secretFile != nil, let name = names.secretFile { methods.append(name) }
        if certificate != nil { methods.append(names.certificate) }
        if tenant == nil, client == nil, methods.isEmpty { throw .noCredentials }
        if methods.count > 1 { throw .conflictingCredentials(methods) }
        guard let client else {
            throw .missingVariable(missing: names.client, present: tenant != nil ? names.tenant : methods[0])
        }
        guard let tenant else { throw .missingVariable(missing: names.tenant, present: names.client) }
        guard let methodName = methods.first else {
            throw .missingClientCredential(
                clientIdVariable: names.client,
                options: [names.secret, names.secretFile, names.certificate].compactMap { $0 })
        }
        let authority = try resolveAuthority(from: value(names.authority), cloud: cloud)
        let method: Method
        if let secret {
            method = .clientSecret(Secret(secret))
        } else if let secretFile, let variable = names.secretFile {
            method = .clientSecret(try readSecretFile(path: secretFile, variable: variable))
        } else if let certificate {
            method = .clientCertificate(try ClientCertificate(contentsOf: certificate))
        } else {
            throw .noCredentials
        }
        return Credentials(
            method: method, tenantId: tenant, clientId: client, authority: authority,
            variables: [names.tenant, names.client, methodName])
    }

    private static func resolveAuthority(from text: String?, cloud: CloudPreset) throws(AuthError) -> URL {
        guard let text else { return cloud.loginAuthority }
        let withScheme = text.contains("://") ? text : "https://" + text
        guard let url = URL(string: withScheme), let host = url.host, !host.isEmpty,
            let scheme = url.scheme?.lowercased(),
            scheme == "https" || (scheme == "http" && APIEndpointPolicy.isLoopback(host: host))
        else { throw .invalidAuthority(text) }
        return url
    }

    private static func readSecretFile(path: String, variable: String) throws(AuthError) -> Secret {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let code = (error as? CocoaError)?.code
            let reason =
                code == .fileReadNoSuchFile
                ? "no such file"
                : code == .fileReadNoPermission ? "permission denied" : "it could not be opened"
            throw .secretFileUnreadable(variable: variable, path: path, reason: reason)
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .secretFileEmpty(variable: variable, path: path) }
        return Secret(text)
    }
}
