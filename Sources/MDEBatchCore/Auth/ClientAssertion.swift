import Crypto
import Foundation
import _CryptoExtras

/// A signed client assertion (RFC 7523) that proves possession of a certificate's key to Entra.
///
/// RS256 with the SHA-1 thumbprint in `x5t`, the form Entra has long accepted; claims `aud` (the token
/// endpoint), `iss` = `sub` (the client id), `jti`, `nbf`, `iat`, and `exp` ten minutes later.
public enum ClientAssertion {
    /// How long an assertion stays valid.
    public static let lifetime: TimeInterval = 600

    /// Builds and signs an assertion.
    ///
    /// - Parameters:
    ///   - certificate: The certificate and key.
    ///   - clientId: The application (client) id.
    ///   - audience: The token endpoint URL the assertion is for.
    ///   - now: The issue time.
    ///   - id: The `jti`.
    public static func make(
        certificate: ClientCertificate, clientId: String, audience: String, now: Date, id: UUID = UUID()
    ) throws -> String {
        struct Header: Encodable {
            var alg = "RS256"
            var typ = "JWT"
            var x5t: String
        }
        struct Claims: Encodable {
            var aud: String
            var iss: String
            var sub: String
            var jti: String
            var nbf: Int
            var iat: Int
            var exp: Int
        }
        let issued = Int(now.timeIntervalSince1970.rounded(.down))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let header = try encoder.encode(Header(x5t: certificate.sha1Thumbprint))
        let claims = try encoder.encode(
            Claims(
                aud: audience, iss: clientId, sub: clientId, jti: id.uuidString.lowercased(),
                nbf: issued, iat: issued, exp: issued + Int(lifetime)))
        let signingInput = Base64URL.encode(header) + "." + Base64URL.encode(claims)
        let signature = try certificate.privateKey.signature(
            for: Data(signingInput.utf8), padding: .insecurePKCS1v1_5)
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }
}
