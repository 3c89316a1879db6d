import Foundation

/// Why no token could be had. Descriptions name variables, paths and dates, never a secret or token.
public enum AuthError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No credential variable at all.
    case noCredentials
    /// `present` is set but `missing` is not.
    case missingVariable(missing: String, present: String)
    /// The client id is set but none of `options` is.
    case missingClientCredential(clientIdVariable: String, options: [String])
    /// More than one way to authenticate is set.
    case conflictingCredentials([String])
    /// `MDE_ACCESS_TOKEN` expired at `expiredAt`.
    case accessTokenExpired(expiredAt: Date)
    /// `MDE_ACCESS_TOKEN` looks like a JWT but its claims cannot be read.
    case malformedAccessToken(reason: String)
    /// The API rejected `MDE_ACCESS_TOKEN` (HTTP 401) and a static token cannot be refreshed.
    case accessTokenRejected
    /// The secret file named by `variable` cannot be read.
    case secretFileUnreadable(variable: String, path: String, reason: String)
    /// The secret file named by `variable` is empty.
    case secretFileEmpty(variable: String, path: String)
    /// The certificate file cannot be read.
    case certificateUnreadable(path: String, reason: String)
    /// The certificate file lacks a certificate or a usable RSA private key.
    case certificateInvalid(path: String, reason: String)
    /// The login authority is not an https URL.
    case invalidAuthority(String)
    /// The token endpoint answered with an error (`error`, `error_description`).
    case tokenRequestFailed(status: Int, code: String?, description: String?)
    /// The token endpoint could not be reached.
    case tokenEndpointUnreachable(String)
    /// The token endpoint answered 2xx with a body that holds no token.
    case invalidTokenResponse(String)

    public var description: String {
        switch self {
        case .noCredentials:
            return "No credentials found: set MDE_ACCESS_TOKEN, or MDE_TENANT_ID and MDE_CLIENT_ID with one of "
                + "MDE_CLIENT_SECRET, MDE_CLIENT_SECRET_FILE or MDE_CLIENT_CERTIFICATE (AZURE_TENANT_ID, "
                + "AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_CLIENT_CERTIFICATE_PATH are read when no MDE_ name is set)."
        case .missingVariable(let missing, let present):
            return "\(present) is set but \(missing) is not; set \(missing) too."
        case .missingClientCredential(let clientId, let options):
            return "\(clientId) is set but \(Self.list(options, conjunction: "nor", prefix: "neither ")) is; set one of them."
        case .conflictingCredentials(let names):
            return "\(Self.list(names, conjunction: "and", prefix: "")) are \(names.count == 2 ? "both" : "all") set; "
                + "set only one way to authenticate."
        case .accessTokenExpired(let date):
            return "MDE_ACCESS_TOKEN expired at \(MDEDate.formatSeconds(date)); get a fresh one "
                + "(e.g. az account get-access-token --resource https://api.securitycenter.microsoft.com)."
        case .malformedAccessToken(let reason):
            return "MDE_ACCESS_TOKEN is not a readable JWT (\(reason)); check that the whole token was copied."
        case .accessTokenRejected:
            return "The API rejected MDE_ACCESS_TOKEN (HTTP 401) and a given token cannot be refreshed; get a fresh one."
        case .secretFileUnreadable(let variable, let path, let reason):
            return "The file '\(path)' named by \(variable) cannot be read: \(reason)."
        case .secretFileEmpty(let variable, let path):
            return "The file '\(path)' named by \(variable) is empty."
        case .certificateUnreadable(let path, let reason):
            return "The certificate file '\(path)' cannot be read: \(reason)."
        case .certificateInvalid(let path, let reason):
            return
                "The certificate file '\(path)' is not usable: \(reason). It must hold a PEM certificate and an unencrypted RSA private key."
        case .invalidAuthority(let text):
            return "The login authority '\(text)' is not an https URL such as https://login.microsoftonline.com."
        case .tokenRequestFailed(let status, let code, let description):
            var text = "The token endpoint refused the request (HTTP \(status)"
            if let code { text += ", \(code)" }
            text += ")"
            if let description { text += ": \(description)" }
            return text.hasSuffix(".") ? text : text + "."
        case .tokenEndpointUnreachable(let reason):
            return "The token endpoint could not be reached: \(reason)"
                + (reason.hasSuffix(".") ? "" : ".")
        case .invalidTokenResponse(let reason):
            return "The token endpoint's answer holds no usable token: \(reason)."
        }
    }

    private static func list(_ names: [String], conjunction: String, prefix: String) -> String {
        switch names.count {
        case 0: return ""
        case 1: return names[0]
        case 2: return "\(prefix)\(names[0]) \(conjunction) \(names[1])"
        default: return "\(prefix)\(names.dropLast().joined(separator: ", ")) \(conjunction) \(names[names.count - 1])"
        }
    }
}
