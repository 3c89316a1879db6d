import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

/// Machine ids and hashes that the default rules treat as ordinary.
enum Sample {
    static let machine = "1e5bc9d7e413ddd7902c2932e418702b84d0cc07"
    static let otherMachine = "2a5bc9d7e413ddd7902c2932e418702b84d0cc07"
    static let sha1 = "87662bc3d60e4200ceaf7aae249d1c343f4b83c9"
    static let otherSha1 = "97662bc3d60e4200ceaf7aae249d1c343f4b83c9"
    static let origin = EmulatorInstant(iso8601: "2026-01-01T00:00:00Z")!.date

    static func configuration(_ change: (inout EmulatorConfiguration) -> Void = { _ in }) -> EmulatorConfiguration {
        var configuration = EmulatorConfiguration(origin: origin)
        change(&configuration)
        return configuration
    }

    static func machine(_ index: Int) -> String {
        let hex = String(index, radix: 16)
        return "2" + String(repeating: "0", count: 39 - hex.count) + hex
    }
}

extension TestClientProtocol {
    /// A token from the v2 endpoint with the configured client secret, for `scope`.
    func token(
        _ configuration: EmulatorConfiguration, scope: String = "https://api.securitycenter.microsoft.com/.default"
    ) async throws -> String {
        let response = try await tokenRequest(
            configuration,
            form: [
                "grant_type": "client_credentials", "client_id": configuration.clientId,
                "client_secret": configuration.clientSecret, "scope": scope,
            ])
        #expect(response.status == .ok)
        return try decode(TokenResponse.self, response).accessToken
    }

    /// A token from the v1 endpoint with the configured client secret, for `resource`.
    func v1Token(_ configuration: EmulatorConfiguration, resource: String) async throws -> TokenResponse {
        let response = try await tokenRequest(
            configuration,
            form: [
                "grant_type": "client_credentials", "client_id": configuration.clientId,
                "client_secret": configuration.clientSecret, "resource": resource,
            ],
            path: "/\(configuration.tenantId)/oauth2/token"
        )
        #expect(response.status == .ok)
        return try decode(TokenResponse.self, response)
    }

    func tokenRequest(
        _ configuration: EmulatorConfiguration, form: [String: String], path: String? = nil
    ) async throws -> TestResponse {
        let body = form.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0.value)" }
            .joined(separator: "&")
        return try await execute(
            uri: path ?? "/\(configuration.tenantId)/oauth2/v2.0/token", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body)
        )
    }

    func submit(
        token: String, machine: String = Sample.machine, sha1: String = Sample.sha1, comment: String = "batch test"
    ) async throws -> TestResponse {
        try await post(
            "/api/machines/\(machine)/StopAndQuarantineFile", token: token,
            json: #"{"Comment":"\#(comment)","Sha1":"\#(sha1)"}"#
        )
    }

    func post(_ uri: String, token: String?, json: String, contentType: String = "application/json") async throws -> TestResponse
    {
        var headers: HTTPFields = [.contentType: contentType]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ uri: String, token: String?) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: uri, method: .get, headers: headers)
    }

    func cancel(_ id: String, token: String, comment: String = "stop it") async throws -> TestResponse {
        try await post("/api/machineactions/\(id)/cancel", token: token, json: #"{"Comment":"\#(comment)"}"#)
    }
}

func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(response.body.readableBytesView))
}

/// The claims of a JWT (its signature is not checked).
func jwtClaims(_ token: String) throws -> [String: Any] {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    try #require(parts.count == 3)
    var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while payload.count % 4 != 0 { payload += "=" }
    let data = try #require(Data(base64Encoded: payload))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

/// The top-level keys of a JSON object body.
func jsonKeys(_ response: TestResponse) throws -> Set<String> {
    let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    return Set(object.keys)
}

/// The error code of an MDE error body.
func errorCode(_ response: TestResponse) throws -> String {
    try decode(MDEErrorBody.self, response).error.code
}

/// Builds an emulator on a manual clock.
func makeEmulator(_ configuration: EmulatorConfiguration, clock: ManualClock = ManualClock()) throws -> some ApplicationProtocol {
    try buildEmulator(configuration: configuration, clock: clock, logger: EmulatorServer.quietLogger)
}
