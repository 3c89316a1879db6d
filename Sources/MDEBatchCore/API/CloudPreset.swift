import Foundation

/// The endpoints of one Microsoft cloud (`--cloud`).
///
/// The token resource is the legacy `securitycenter` one even when the API host is
/// `api.security.microsoft.com`: tokens for another audience get 403 (docs/API.md, "Authentication").
public enum CloudPreset: String, Sendable, Hashable, Codable, CaseIterable {
    case `public` = "public"
    case gcc = "gcc"
    case gccHigh = "gcc-high"
    case dod = "dod"

    /// The API base URL (requests go to `{base}/api/...`).
    public var apiBase: URL {
        switch self {
        case .public: URL(string: "https://api.security.microsoft.com")!
        case .gcc: URL(string: "https://api-gcc.securitycenter.microsoft.us")!
        case .gccHigh, .dod: URL(string: "https://api-gov.securitycenter.microsoft.us")!
        }
    }

    /// The Entra login host.
    public var loginAuthority: URL {
        switch self {
        case .public, .gcc: URL(string: "https://login.microsoftonline.com")!
        case .gccHigh, .dod: URL(string: "https://login.microsoftonline.us")!
        }
    }

    /// The resource a token is requested for (v2 scope: this plus `/.default`).
    public var tokenResource: String {
        switch self {
        case .public: "https://api.securitycenter.microsoft.com"
        case .gcc: "https://api-gcc.securitycenter.microsoft.us"
        case .gccHigh, .dod: "https://api-gov.securitycenter.microsoft.us"
        }
    }

    /// The v2 scope: `{tokenResource}/.default`.
    public var tokenScope: String { tokenResource + "/.default" }
}
