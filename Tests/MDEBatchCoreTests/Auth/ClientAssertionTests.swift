import Crypto
import Foundation
import MDEBatchCore
import MDEBatchTestSupport
import Testing
import _CryptoExtras

struct ClientAssertionTests {
    private let now = ManualWallClock().now
    private let audience = "https://login.microsoftonline.com/contoso/oauth2/v2.0/token"

    private func base64URLDecode(_ text: Substring) throws -> Data {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return try #require(Data(base64Encoded: base64))
    }

    private func makeAssertion() throws -> (String, [Substring]) {
        let certificate = try ClientCertificate(contentsOf: try AuthTestFixtures.certificatePath)
        let id = try #require(UUID(uuidString: "6E0C1B5A-3F39-4C53-9D26-0D8C6C5B7A11"))
        let jwt = try ClientAssertion.make(
            certificate: certificate, clientId: "app-id", audience: audience, now: now, id: id)
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        try #require(parts.count == 3)
        return (jwt, parts)
    }

    @Test func headerIsRS256WithTheCertificatesSHA1Thumbprint() throws {
        let (_, parts) = try makeAssertion()
        let header = try #require(try JSONSerialization.jsonObject(with: base64URLDecode(parts[0])) as? [String: String])
        #expect(header == ["alg": "RS256", "typ": "JWT", "x5t": try AuthTestFixtures.expectedThumbprint])
    }

    @Test func claimsNameTheTokenEndpointAndTheClient() throws {
        let (_, parts) = try makeAssertion()
        struct Claims: Decodable, Equatable {
            var aud: String
            var iss: String
            var sub: String
            var jti: String
            var nbf: Int
            var iat: Int
            var exp: Int
        }
        let payload = try base64URLDecode(parts[1])
        let claims = try JSONDecoder().decode(Claims.self, from: payload)
        let issued = Int(now.timeIntervalSince1970)
        #expect(
            claims
                == Claims(
                    aud: audience, iss: "app-id", sub: "app-id", jti: "6e0c1b5a-3f39-4c53-9d26-0d8c6c5b7a11",
                    nbf: issued, iat: issued, exp: issued + 600))
        let keys = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any]).keys
        #expect(Set(keys) == ["aud", "iss", "sub", "jti", "nbf", "iat", "exp"])
    }

    @Test func signatureVerifiesWithTheCertificatesPublicKey() throws {
        let (_, parts) = try makeAssertion()
        let publicKey = try _RSA.Signing.PublicKey(pemRepresentation: try AuthTestFixtures.publicKeyPEM)
        let signature = _RSA.Signing.RSASignature(rawRepresentation: try base64URLDecode(parts[2]))
        let signed = Data("\(parts[0]).\(parts[1])".utf8)
        #expect(publicKey.isValidSignature(signature, for: SHA256.hash(data: signed), padding: .insecurePKCS1v1_5))
        #expect(
            !publicKey.isValidSignature(signature, for: SHA256.hash(data: signed + Data("x".utf8)), padding: .insecurePKCS1v1_5))
    }

    @Test func aKeyThatDoesNotBelongToTheCertificateIsRefused() throws {
        let pem = try String(contentsOfFile: try AuthTestFixtures.certificatePath, encoding: .utf8)
        let certificateBlock = String(pem[..<(try #require(pem.range(of: "-----BEGIN PRIVATE KEY-----"))).lowerBound])
        let otherKey = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let mixed = certificateBlock + otherKey.pkcs8PEMRepresentation
        #expect(
            throws: AuthError.certificateInvalid(path: "mixed.pem", reason: "its private key does not belong to its certificate")
        ) {
            try ClientCertificate(pem: mixed, path: "mixed.pem")
        }
    }
}
