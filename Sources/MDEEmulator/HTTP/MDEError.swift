import Foundation
import Hummingbird

/// An error answered in MDE's shape, `{"error":{"code","message","target"}}`, with a fresh GUID as `target`.
struct MDEError: Error, HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var code: String
    var message: String
    var headers: HTTPFields = [:]
    /// OData-layer errors carry `details: []`.
    var details: [String]? = nil

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = MDEErrorBody(
            error: .init(code: code, message: message, target: UUID().uuidString.lowercased(), details: details)
        )
        return try jsonResponse(status: status, body, headers: headers)
    }

    static let invalidRequestBody = MDEError(
        status: .badRequest, code: "InvalidRequestBody", message: "Request body is incorrect")

    static func missingRequiredParameter(_ name: String) -> MDEError {
        MDEError(status: .badRequest, code: "MissingRequiredParameter", message: "Parameter \(name) is missing.")
    }

    static func invalidHashValue(_ hash: String) -> MDEError {
        MDEError(status: .badRequest, code: "InvalidHashValue", message: "Hash value \(hash) is invalid.")
    }

    static func machineNotFound(_ id: String) -> MDEError {
        MDEError(status: .notFound, code: "ResourceNotFound", message: "Machine \(id) was not found")
    }

    /// `GET /api/machines` when nothing matches: "If there are no recent machines, you see 404 Not Found"
    /// (https://learn.microsoft.com/en-us/defender-endpoint/api/get-machines).
    static let noMachinesFound = MDEError(
        status: .notFound, code: "ResourceNotFound", message: "No machines were found for the given query."
    )

    static func fileNotFound(_ id: String) -> MDEError {
        MDEError(status: .notFound, code: "ResourceNotFound", message: "File \(id) was not found")
    }

    /// A file id of the wrong kind: not a SHA-1 or SHA-256 for `GET /api/files/{id}` (an MD5 included),
    /// not a SHA-1 for `GET /api/files/{sha1}/machines`. The code is the one MDE uses for a bad hash
    /// in an action body; the message is the emulator's own.
    static func unsupportedFileIdentifier(_ id: String, accepted: String) -> MDEError {
        MDEError(
            status: .badRequest, code: "InvalidHashValue",
            message: "Hash value \(id) is invalid: this API accepts \(accepted)."
        )
    }

    static func osPlatformNotSupported(_ id: String) -> MDEError {
        MDEError(
            status: .badRequest, code: "OsPlatformNotSupported",
            message: "OS Platform Linux isn't supported for this action. Machine: \(id)"
        )
    }

    static func forbidden(_ id: String) -> MDEError {
        MDEError(
            status: .forbidden, code: "Forbidden",
            message: "Forbidden (valid token but insufficient permission for the action on machine \(id))."
        )
    }

    /// A valid token issued for another resource (e.g. Microsoft Graph). The real API answers 403
    /// rather than 401 (https://github.com/MicrosoftDocs/microsoft-365-docs/issues/9246), in its
    /// usual error shape with the documented `Forbidden` code
    /// (https://learn.microsoft.com/en-us/defender-endpoint/api/common-errors); the message text
    /// is the emulator's own.
    static func wrongAudience(_ audience: String) -> MDEError {
        MDEError(
            status: .forbidden, code: "Forbidden",
            message:
                "Forbidden (the access token's audience '\(audience)' is not the Microsoft Defender for Endpoint API; request a token for https://api.securitycenter.microsoft.com)."
        )
    }

    static let activeRequestAlreadyExists = MDEError(
        status: .badRequest, code: "ActiveRequestAlreadyExists", message: "Action is already in progress"
    )

    static func actionNotFound(_ id: String) -> MDEError {
        MDEError(status: .notFound, code: "ResourceNotFound", message: "Machine action \(id) was not found")
    }

    static func cannotCancel(_ id: String, status: String) -> MDEError {
        MDEError(
            status: .badRequest, code: "BadRequest",
            message: "Machine action \(id) is in final state \(status) and cannot be cancelled."
        )
    }

    static func tooManyRequests(retryAfterSeconds: Int) -> MDEError {
        MDEError(
            status: .tooManyRequests, code: "TooManyRequests",
            message: "Rate limit is exceeded. Try again in \(retryAfterSeconds) seconds.",
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    static let unauthorized = MDEError(
        status: .unauthorized, code: "Unauthorized", message: "Unauthorized (invalid or expired authorization header).",
        headers: [.wwwAuthenticate: "Bearer"]
    )

    static func odata(_ message: String) -> MDEError {
        MDEError(
            status: .badRequest, code: "ODataError", message: "The query specified in the URI is not valid. \(message)",
            details: []
        )
    }

    static let internalServerError = MDEError(status: .internalServerError, code: "InternalServerError", message: "")

    static func serviceUnavailable(retryAfterSeconds: Int) -> MDEError {
        MDEError(
            status: .serviceUnavailable, code: "ServiceUnavailable",
            message: "The service is temporarily unavailable. Try again later.",
            headers: [.retryAfter: String(retryAfterSeconds)]
        )
    }

    static let notFound = MDEError(status: .notFound, code: "NotFound", message: "General Not Found error message.")

    static let methodNotAllowed = MDEError(
        status: .methodNotAllowed, code: "MethodNotAllowed", message: "The requested resource does not support this HTTP method."
    )

    static let unsupportedMediaType = MDEError(
        status: .unsupportedMediaType, code: "InvalidRequestBody",
        message: "Content-Type must be application/json."
    )

    static func bodyTooLarge(limit: Int) -> MDEError {
        MDEError(
            status: .contentTooLarge, code: "InvalidRequestBody", message: "Request body is larger than \(limit) bytes."
        )
    }
}

/// An error answered in Entra ID's token-endpoint shape.
struct EntraError: Error, HTTPResponseError, Equatable {
    var status: HTTPResponse.Status
    var error: String
    var code: Int
    var description: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let trace = UUID().uuidString.lowercased()
        let body = EntraErrorBody(
            error: error,
            errorDescription: "AADSTS\(code): \(description) Trace ID: \(trace)",
            errorCodes: [code],
            timestamp: EmulatorInstant(Date()).iso8601,
            traceId: trace,
            correlationId: UUID().uuidString.lowercased()
        )
        return try jsonResponse(status: status, body, headers: [:])
    }
}

/// Thrown after the connection was closed on purpose; nothing reaches the client.
struct ConnectionDropped: Error {}

/// A fresh encoder per response: JSONEncoder is a class and responses are built concurrently.
/// Keys are sorted so that output is stable (Foundation on Linux does not keep declaration order).
func makeWireEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
    return encoder
}

/// A JSON response with `Content-Type: application/json; charset=utf-8`.
func jsonResponse(status: HTTPResponse.Status, _ value: some Encodable, headers: HTTPFields = [:]) throws -> Response {
    let data = try makeWireEncoder().encode(value)
    var headers = headers
    headers[.contentType] = "application/json; odata.metadata=minimal; charset=utf-8"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
}
