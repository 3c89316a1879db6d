import Foundation

/// A bearer token obtained elsewhere (`MDE_ACCESS_TOKEN`), with the expiry read from its JWT claims.
public struct StaticToken: Sendable, Hashable, CustomStringConvertible {
    /// The token itself.
    public let token: Secret
    /// The JWT `exp` claim, or `nil` for a token that is not a JWT.
    public let expiresAt: Date?
    /// The JWT `aud` claim, when present (useful to explain a 403).
    public let audience: String?
    /// The JWT `tid` claim (the tenant), when present: with the API base it names the job's target.
    public let tenantId: String?

    /// Reads `token`'s claims and checks that it has not expired at `now`.
    ///
    /// A token with two dots is treated as a JWT and must carry a numeric `exp`; any other token is
    /// accepted as opaque, with an unknown expiry.
    ///
    /// - Throws: `AuthError.accessTokenExpired` or `.malformedAccessToken`.
    public init(token: String, now: Date) throws(AuthError) {
        let text = token.trimmingCharacters(in: .whitespacesAndNewlines)
        let text2 = text.hasPrefix("Bearer ") ? String(text.dropFirst(7)) : text
        let parts = text2.split(separator: ".", omittingEmptySubsequences: false)
        self.token = Secret(text2)
        guard parts.count == 3 else {
            expiresAt = nil
            audience = nil
            tenantId = nil
            return
        }
        guard let payload = Base64URL.decode(parts[1]),
            let json = try? JSONSerialization.jsonObject(with: payload) as? [String: Any]
        else { throw .malformedAccessToken(reason: "its payload is not base64url JSON") }
        guard
            let exp = (json["exp"] as? Double) ?? (json["exp"] as? Int).map(Double.init)
                ?? (json["exp"] as? NSNumber)?.doubleValue
        else {
            throw .malformedAccessToken(reason: "it has no numeric exp claim")
        }
        let expiry = Date(timeIntervalSince1970: exp)
        guard expiry > now else { throw .accessTokenExpired(expiredAt: expiry) }
        expiresAt = expiry
        tenantId = (json["tid"] as? String)?.lowercased()
        if let audience = json["aud"] as? String {
            self.audience = audience
        } else {
            self.audience = (json["aud"] as? [String])?.first
        }
    }

    public var description: String {
        "bearer token <redacted>" + (expiresAt.map { ", expires \(MDEDate.formatSeconds($0))" } ?? "")
    }
}
