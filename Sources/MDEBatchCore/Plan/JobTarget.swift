import Foundation

/// Where a job's calls go: one API base and one tenant (docs/ARCHITECTURE.md, "The job is
/// the plan").
///
/// The target decides a job's identity, its quota ledger and the cross-job
/// `already-submitted` check: the same inputs against another target are another job.
/// A rehearsal on the embedded emulator has the target `emulator`, which no real run can
/// have, so rehearsals never meet a tenant's jobs.
public struct JobTarget: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The API base URL (`https://api.securitycenter.microsoft.com`), or `emulator` for the
    /// embedded emulator of `--emulator`.
    public var apiBase: String
    /// The tenant: `MDE_TENANT_ID`, or the `tid` claim of a static token.
    public var tenant: String
    /// The token audience of a static token (its `aud` claim), when it has one.
    public var audience: String?
    /// The `--cloud` preset the job was created with (login authority and token resource).
    public var cloud: CloudPreset
    /// `MDE_AUTHORITY`, when it overrode the preset's login host.
    public var authority: String?

    /// The embedded emulator's API base: no real run can have it.
    public static let emulatorBase = "emulator"

    public init(apiBase: String, tenant: String, audience: String? = nil, cloud: CloudPreset = .public, authority: String? = nil)
    {
        self.apiBase = Self.normalize(apiBase)
        self.tenant = tenant.lowercased()
        self.audience = audience
        self.cloud = cloud
        self.authority = authority
    }

    /// The target of `--emulator` rehearsals.
    public static func emulator(cloud: CloudPreset = .public) -> JobTarget {
        JobTarget(apiBase: emulatorBase, tenant: "emulator", cloud: cloud)
    }

    /// The target of `credentials` at `baseURL`.
    public init(baseURL: URL, credentials: Credentials, cloud: CloudPreset) {
        switch credentials.method {
        case .accessToken(let token):
            self.init(
                apiBase: baseURL.absoluteString,
                tenant: token.tenantId ?? token.audience.map { "token-aud:\($0)" } ?? "opaque-token",
                audience: token.audience, cloud: cloud, authority: nil)
        default:
            let authority = credentials.authority.absoluteString
            self.init(
                apiBase: baseURL.absoluteString, tenant: credentials.tenantId ?? "unknown", audience: nil, cloud: cloud,
                authority: authority == cloud.loginAuthority.absoluteString ? nil : authority)
        }
    }

    /// Whether this is the embedded emulator of `--emulator`.
    public var isEmulator: Bool { apiBase == Self.emulatorBase }

    /// The identity that jobs, the ledger and dedupe are keyed by: API base and tenant.
    public var key: String { "\(apiBase) tenant \(tenant)" }

    public var description: String {
        isEmulator ? "the embedded emulator (--emulator)" : "\(apiBase) (tenant \(tenant))"
    }

    /// Lower-case scheme and host, no trailing slash: one API base has one spelling.
    static func normalize(_ base: String) -> String {
        guard base != emulatorBase, var components = URLComponents(string: base) else { return base }
        components.scheme = components.scheme?.lowercased()
        components.host = components.host?.lowercased()
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.string ?? base
    }
}
