import Foundation
import Logging

/// The MDE machine-actions API, one HTTP request per method call.
///
/// No method retries: the job runner reserves a quota slot for every request and decides what to do
/// with each `CallFailure` (docs/SAFETY.md, "Retries and refusals"). A method throws only when no request reached MDE: `AuthError`
/// when no token could be had, `TransportError.invalidRequest` when the URL cannot be built, and
/// `CancellationError` when the task was cancelled.
public struct MDEClient: Sendable {
    /// The API base, e.g. `https://api.security.microsoft.com`.
    public let baseURL: URL
    private let transport: any HTTPTransport
    private let tokens: TokenProvider
    private let requestTimeout: TimeInterval
    private let userAgent: String
    private let clock: any WallClock
    private let logger: Logger

    /// Creates a client.
    ///
    /// - Parameters:
    ///   - baseURL: The API base; check it first with `APIEndpointPolicy.validate(baseURL:)`.
    ///   - transport: The HTTP seam.
    ///   - tokens: Where bearer tokens come from.
    ///   - requestTimeout: Seconds each request may take, response body included.
    ///   - userAgent: The `User-Agent` header.
    ///   - clock: Used to read `Retry-After` dates.
    ///   - logger: Receives debug lines without secrets; none by default.
    public init(
        baseURL: URL,
        transport: any HTTPTransport,
        tokens: TokenProvider,
        requestTimeout: TimeInterval,
        userAgent: String,
        clock: any WallClock = SystemWallClock(),
        logger: Logger? = nil
    ) {
        self.baseURL = baseURL
        self.transport = transport
        self.tokens = tokens
        self.requestTimeout = requestTimeout
        self.userAgent = userAgent
        self.clock = clock
        self.logger = logger ?? Logger(label: "mdebatch.client", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    /// `POST /api/machines/{machineId}/StopAndQuarantineFile` with `{"Comment": …, "Sha1": …}`.
    ///
    /// Success is 201 with the created (or, sometimes, the already pending) MachineAction.
    public func stopAndQuarantineFile(
        machineId: String, sha1: String, comment: String
    ) async throws -> CallResult<MachineAction> {
        let body = try Self.encode(StopAndQuarantineBody(comment: comment, sha1: sha1))
        return try await call(
            method: "POST", path: "/api/machines/\(Self.escape(machineId))/StopAndQuarantineFile", body: body)
    }

    /// `POST /api/machineactions/{id}/cancel` with `{"Comment": …}`; success is 200 with the action.
    public func cancelMachineAction(id: String, comment: String) async throws -> CallResult<MachineAction> {
        let body = try Self.encode(CancelBody(comment: comment))
        return try await call(method: "POST", path: "/api/machineactions/\(Self.escape(id))/cancel", body: body)
    }

    /// `GET /api/machineactions/{id}`. A 404 right after a create may only mean "not visible yet".
    public func machineAction(id: String) async throws -> CallResult<MachineAction> {
        try await call(method: "GET", path: "/api/machineactions/\(Self.escape(id))", body: nil)
    }

    /// `GET /api/machineactions?$filter=…&$top=…&$skip=…`: one page, paged by the caller.
    public func listMachineActions(filter: String, top: Int, skip: Int) async throws -> CallResult<MachineActionList> {
        var query = [String]()
        if !filter.isEmpty { query.append("$filter=" + Self.escapeQueryValue(filter)) }
        query.append("$top=\(top)")
        query.append("$skip=\(skip)")
        return try await call(method: "GET", path: "/api/machineactions", query: query.joined(separator: "&"), body: nil)
    }

    /// `listMachineActions(filter:top:skip:)` with a built filter.
    public func listMachineActions(
        filter: MachineActionFilter, top: Int, skip: Int
    ) async throws -> CallResult<MachineActionList> {
        try await listMachineActions(filter: filter.expression, top: top, skip: skip)
    }

    /// `GET /api/machines?$filter=…&$top=…&$skip=…`: one page of device records. An empty
    /// filter lists the whole inventory. A 404 means no record matched (the documented
    /// answer when there are "no recent machines").
    public func listMachines(filter: String, top: Int, skip: Int) async throws -> CallResult<MachineList> {
        var query = [String]()
        if !filter.isEmpty { query.append("$filter=" + Self.escapeQueryValue(filter)) }
        query.append("$top=\(top)")
        if skip > 0 { query.append("$skip=\(skip)") }
        return try await call(method: "GET", path: "/api/machines", query: query.joined(separator: "&"), body: nil)
    }

    /// `GET /api/files/{id}` (a SHA-1 or SHA-256); 404 when the file is unknown.
    public func file(id: String) async throws -> CallResult<FileInfo> {
        try await call(method: "GET", path: "/api/files/\(Self.escape(id))", body: nil)
    }

    /// `GET /api/files/{sha1}/machines`: every device that saw the file (SHA-1 only; an
    /// unknown file is an empty list).
    public func fileMachines(sha1: String) async throws -> CallResult<MachineList> {
        try await call(method: "GET", path: "/api/files/\(Self.escape(sha1))/machines", body: nil)
    }

    // MARK: - One request

    private func call<Value: Decodable & Sendable>(
        method: String, path: String, query: String? = nil, body: Data?
    ) async throws -> CallResult<Value> {
        let request = try await makeRequest(method: method, path: path, query: query, body: body)
        let response: TransportResponse
        do {
            response = try await transport.send(request, timeout: requestTimeout)
        } catch let error as TransportError {
            logger.debug(
                "MDE request got no response",
                metadata: ["http.method": "\(method)", "http.path": "\(path)", "error": "\(error)"])
            switch error {
            case .timeout: return .failure(CallFailure(kind: .timeout))
            case .connection(let reason): return .failure(CallFailure(kind: .connection(reason)))
            case .responseTooLarge: return .failure(CallFailure(kind: .invalidResponse(error.description)))
            case .invalidRequest: return .failure(CallFailure(kind: .connection(error.description)))
            }
        }
        logger.debug(
            "MDE request answered",
            metadata: ["http.method": "\(method)", "http.path": "\(path)", "http.status": "\(response.status)"])
        return interpret(response)
    }

    private func makeRequest(method: String, path: String, query: String?, body: Data?) async throws -> TransportRequest {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let text = base + path + (query.map { "?" + $0 } ?? "")
        guard let url = URL(string: text) else {
            throw TransportError.invalidRequest("'\(text)' is not a valid URL")
        }
        let token = try await tokens.token()
        var headers: TransportHeaders = [
            "Authorization": "Bearer \(token)",
            "Accept": "application/json",
            "User-Agent": userAgent,
        ]
        if body != nil { headers.add(name: "Content-Type", value: "application/json") }
        return TransportRequest(method: method, url: url, headers: headers, body: body)
    }

    private func interpret<Value: Decodable & Sendable>(_ response: TransportResponse) -> CallResult<Value> {
        if (200..<300).contains(response.status) {
            do {
                return .success(try JSONDecoder().decode(Value.self, from: response.body), status: response.status)
            } catch {
                return .failure(
                    CallFailure(
                        kind: .invalidResponse(
                            "HTTP \(response.status) with a body that is not a \(Value.self): \(Self.describe(error))")))
            }
        }
        let retryAfter = response.headers["Retry-After"].flatMap { RetryAfter.parse($0, now: clock.now) }
        if let error = APIErrorBody.decode(from: response.body) {
            return .failure(
                CallFailure(
                    kind: .http(status: response.status), code: error.code, message: error.message,
                    target: error.target, retryAfter: retryAfter))
        }
        return .failure(
            CallFailure(
                kind: .http(status: response.status), message: Self.snippet(of: response.body), retryAfter: retryAfter))
    }

    // MARK: - Encoding helpers

    private struct StopAndQuarantineBody: Encodable {
        var comment: String
        var sha1: String
        enum CodingKeys: String, CodingKey {
            case comment = "Comment"
            case sha1 = "Sha1"
        }
    }

    private struct CancelBody: Encodable {
        var comment: String
        enum CodingKeys: String, CodingKey { case comment = "Comment" }
    }

    private static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    private static var unreserved: CharacterSet {
        CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    }

    /// Percent-encodes a path segment (everything but unreserved characters).
    static func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: unreserved) ?? segment
    }

    /// Percent-encodes a query value; spaces become `%20`, quotes `%27`.
    static func escapeQueryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }

    private static func snippet(of body: Data) -> String? {
        guard !body.isEmpty else { return nil }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
            .trimmingCharacters(in: .whitespaces)
        return text.isEmpty ? nil : text
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        case DecodingError.dataCorrupted: "not valid JSON"
        default: String(describing: error)
        }
    }
}
