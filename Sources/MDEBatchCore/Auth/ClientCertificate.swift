import Crypto
import Foundation
import _CryptoExtras

/// A certificate and its RSA private key, read from one PEM file (`MDE_CLIENT_CERTIFICATE`).
public struct ClientCertificate: Sendable, Equatable, CustomStringConvertible {
    /// The file it was read from.
    public let path: String
    /// The certificate in DER.
    public let certificateDER: Data
    /// The SHA-1 thumbprint of the DER certificate, base64url (the JWT `x5t` header).
    public let sha1Thumbprint: String
    /// The key that signs client assertions.
    public let privateKey: _RSA.Signing.PrivateKey

    /// Reads the PEM file at `path`.
    ///
    /// - Throws: `AuthError.certificateUnreadable` or `.certificateInvalid`.
    public init(contentsOf path: String) throws(AuthError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .certificateUnreadable(path: path, reason: Self.reason(for: error))
        }
        try self.init(pem: text, path: path)
    }

    /// Reads PEM text holding a `CERTIFICATE` block and a `PRIVATE KEY` or `RSA PRIVATE KEY` block.
    ///
    /// The key must belong to the certificate: its modulus must appear in the certificate.
    public init(pem: String, path: String) throws(AuthError) {
        let blocks = Self.pemBlocks(in: pem)
        guard let certificate = blocks.first(where: { $0.label == "CERTIFICATE" }) else {
            throw .certificateInvalid(path: path, reason: "it holds no CERTIFICATE block")
        }
        if blocks.contains(where: { $0.label == "ENCRYPTED PRIVATE KEY" }) {
            throw .certificateInvalid(path: path, reason: "its private key is encrypted")
        }
        guard let keyBlock = blocks.first(where: { $0.label == "PRIVATE KEY" || $0.label == "RSA PRIVATE KEY" })
        else {
            throw .certificateInvalid(path: path, reason: "it holds no PRIVATE KEY block")
        }
        guard let der = Data(base64Encoded: certificate.base64) else {
            throw .certificateInvalid(path: path, reason: "its CERTIFICATE block is not valid base64")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock.pem)
        } catch {
            throw .certificateInvalid(path: path, reason: "its private key is not an RSA key of 2048 bits or more")
        }
        if let modulus = try? key.publicKey.getKeyPrimitives().modulus {
            let significant = modulus.drop { $0 == 0 }
            guard der.range(of: significant) != nil else {
                throw .certificateInvalid(path: path, reason: "its private key does not belong to its certificate")
            }
        }
        self.path = path
        self.certificateDER = der
        self.sha1Thumbprint = Base64URL.encode(Data(Insecure.SHA1.hash(data: der)))
        self.privateKey = key
    }

    public var description: String { "certificate '\(path)' (x5t \(sha1Thumbprint)), private key <redacted>" }

    public static func == (lhs: ClientCertificate, rhs: ClientCertificate) -> Bool {
        lhs.path == rhs.path && lhs.certificateDER == rhs.certificateDER
            && lhs.privateKey.derRepresentation == rhs.privateKey.derRepresentation
    }

    private struct PEMBlock {
        var label: String
        var base64: String
        var pem: String
    }

    private static func pemBlocks(in text: String) -> [PEMBlock] {
        var blocks: [PEMBlock] = []
        var label: String?
        var body: [String] = []
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                label = String(line.dropFirst(11).dropLast(5))
                body = []
            } else if line.hasPrefix("-----END "), line.hasSuffix("-----"), let current = label {
                let base64 = body.joined()
                let pem = "-----BEGIN \(current)-----\n" + body.joined(separator: "\n") + "\n-----END \(current)-----"
                blocks.append(PEMBlock(label: current, base64: base64, pem: pem))
                label = nil
            } else if label != nil, !line.contains(":") {
                body.append(line)
            }
        }
        return blocks
    }

    private static func reason(for error: any Error) -> String {
        if let error = error as? CocoaError {
            switch error.code {
            case .fileReadNoSuchFile: return "no such file"
            case .fileReadNoPermission: return "permission denied"
            case .fileReadInapplicableStringEncoding, .fileReadCorruptFile: return "it is not UTF-8 text"
            default: break
            }
        }
        return "it could not be opened"
    }
}
