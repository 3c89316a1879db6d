import Crypto
import Foundation

/// Issues and checks the emulator's access tokens: JWTs signed with HS256 under a key that lives
/// only as long as the emulator, so clients can read `exp` and the emulator needs no token table.
struct TokenIssuer: Sendable {
    private let key: SymmetricKey

    init() {
        key = SymmetricKey(size: .bits256)
    }

    /// A token for `clientId` and `audience` (the resource asked for) that expires at `expiry`.
    func issue(
        tenantId: String, clientId: String, audience: String, issuedAt: EmulatorInstant, expiry: EmulatorInstant
    ) -> String {
        let header = #"{"alg":"HS256","typ":"JWT","kid":"mdebatch-emulator"}"#
        let claims: [String: Any] = [
            "aud": audience,
            "iss": "https://sts.windows.net/\(tenantId)/",
            "iat": issuedAt.epochSeconds,
            "nbf": issuedAt.epochSeconds,
            "exp": expiry.epochSeconds,
            "appid": clientId,
            "tid": tenantId,
            "roles": ["Machine.StopAndQuarantine", "Machine.Read.All"],
            "jti": UUID().uuidString.lowercased(),
        ]
        let payload =
            (try? JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data("{}".utf8)
        let signingInput = Base64URL.encode(Data(header.utf8)) + "." + Base64URL.encode(payload)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(signingInput.utf8), using: key)
        return signingInput + "." + Base64URL.encode(Data(signature))
    }

    /// The audience (`aud`) of `token` when it was issued by this emulator and has not expired at
    /// `now`; nil otherwise.
    func audience(ofValid token: String, now: EmulatorInstant) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let signature = Base64URL.decode(parts[2]) else { return nil }
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        guard HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signingInput, using: key),
            let claims = JWT.claims(ofPart: parts[1]),
            let exp = JWT.number(claims["exp"]),
            Double(now.ticks) / Double(EmulatorInstant.ticksPerSecond) < exp
        else { return nil }
        return claims["aud"] as? String ?? ""
    }
}

/// Reading (not verifying) JWTs.
enum JWT {
    /// The decoded JSON object of a base64url JWT part, or nil.
    static func claims(ofPart part: some StringProtocol) -> [String: Any]? {
        guard let data = Base64URL.decode(part),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return object
    }

    static func number(_ value: Any?) -> Double? {
        if let number = value as? NSNumber { return number.doubleValue }
        return nil
    }
}

enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: some StringProtocol) -> Data? {
        var base64 = String(text).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        guard !base64.contains("=") else { return nil }
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
