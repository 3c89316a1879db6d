import Foundation
import Testing

/// The committed test certificate (self-signed, RSA 2048, generated with
/// `openssl req -x509 -newkey rsa:2048 -nodes`) and values derived from it with openssl.
enum AuthTestFixtures {
    static func url(_ name: String, _ ext: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures/auth"))
    }

    /// The PEM with certificate and private key.
    static var certificatePath: String {
        get throws { try url("test-cert", "pem").path }
    }

    /// `openssl x509 -outform DER | openssl dgst -sha1 -binary`, base64url.
    static var expectedThumbprint: String {
        get throws {
            try String(contentsOf: url("test-cert", "x5t"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The public key, `openssl rsa -pubout`.
    static var publicKeyPEM: String {
        get throws { try String(contentsOf: url("test-cert-public", "pem"), encoding: .utf8) }
    }

    /// A JWT with the given claims and a dummy signature.
    static func jwt(claims: [String: Any]) throws -> String {
        func b64(_ data: Data) -> String {
            data.base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let header = b64(Data(#"{"alg":"RS256","typ":"JWT"}"#.utf8))
        let payload = b64(try JSONSerialization.data(withJSONObject: claims))
        return "\(header).\(payload).c2lnbmF0dXJl"
    }

    /// A fresh temporary directory for one test.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mdebatch-auth-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
