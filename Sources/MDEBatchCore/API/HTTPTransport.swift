import Foundation

/// Header fields with case-insensitive lookup, in order.
public struct TransportHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    /// The fields in the order they were added.
    public private(set) var fields: [(name: String, value: String)]

    /// Creates headers from `(name, value)` pairs.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field `name`, compared case-insensitively.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Adds a field.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every field called `name` with one field.
    public mutating func replaceOrAdd(name: String, value: String) {
        fields.removeAll { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        fields.append((name: name, value: value))
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    public static func == (lhs: TransportHeaders, rhs: TransportHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }
}

/// One HTTP request, as the transport sends it.
public struct TransportRequest: Sendable, Equatable {
    /// `GET`, `POST`, …
    public var method: String
    /// The absolute URL, query included.
    public var url: URL
    /// The request headers.
    public var headers: TransportHeaders
    /// The body bytes, if any.
    public var body: Data?

    /// Creates a request.
    public init(method: String, url: URL, headers: TransportHeaders = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response with its whole body.
public struct TransportResponse: Sendable, Equatable {
    /// The status code.
    public var status: Int
    /// The response headers.
    public var headers: TransportHeaders
    /// The body bytes.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: TransportHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// Why a request got no HTTP response.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No complete response within the deadline; the request may have reached the server.
    case timeout
    /// The connection was refused, reset or closed before the whole response arrived.
    case connection(String)
    /// The response body was larger than `limit` bytes.
    case responseTooLarge(limit: Int)
    /// The request could not be built (a bad URL, say); nothing was sent.
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .timeout: "The request timed out before a complete response arrived."
        case .connection(let reason): "The connection failed: \(reason)."
        case .responseTooLarge(let limit): "The response body was larger than \(limit) bytes."
        case .invalidRequest(let reason): "The request could not be built: \(reason)."
        }
    }
}

/// The only network seam: sends one request and returns its response.
///
/// Implementations make exactly one attempt: no retries, no redirects. They throw `TransportError`
/// when no HTTP response arrived, and `CancellationError` when the task was cancelled.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and waits at most `timeout` seconds for the whole response.
    func send(_ request: TransportRequest, timeout: TimeInterval) async throws -> TransportResponse
}
