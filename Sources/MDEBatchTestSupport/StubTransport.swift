import Foundation
import MDEBatchCore
import Synchronization

/// An `HTTPTransport` that records every request and answers from a script or a handler.
///
/// Never asserts; tests read `requests` and decide.
public final class StubTransport: HTTPTransport {
    /// One scripted answer.
    public enum Reply: Sendable {
        /// Answer with this response.
        case response(TransportResponse)
        /// Fail with this transport error (a timeout, a dropped connection…).
        case failure(TransportError)
    }

    private struct State {
        var requests: [(request: TransportRequest, timeout: TimeInterval)] = []
        var script: [Reply] = []
    }

    private let state: Mutex<State>
    private let handler: (@Sendable (TransportRequest) async throws -> TransportResponse)?

    /// Answers requests with `replies`, in order; once they run out, every request fails with a
    /// connection error that says so.
    public init(replies: [Reply] = []) {
        state = Mutex(State(script: replies))
        handler = nil
    }

    /// Answers every request with `handler` (which may suspend, or throw a `TransportError`).
    public init(handler: @escaping @Sendable (TransportRequest) async throws -> TransportResponse) {
        state = Mutex(State())
        self.handler = handler
    }

    /// Appends replies to the script.
    public func enqueue(_ replies: Reply...) {
        state.withLock { $0.script.append(contentsOf: replies) }
    }

    /// Every request received, in order.
    public var requests: [TransportRequest] { state.withLock { $0.requests.map { $0.request } } }

    /// The timeout each request was sent with, in order.
    public var timeouts: [TimeInterval] { state.withLock { $0.requests.map { $0.timeout } } }

    /// How many requests went to a URL whose path ends with `suffix`.
    public func count(pathSuffix suffix: String) -> Int {
        requests.filter { $0.url.path.hasSuffix(suffix) }.count
    }

    public func send(_ request: TransportRequest, timeout: TimeInterval) async throws -> TransportResponse {
        let reply = state.withLock { state -> Reply? in
            state.requests.append((request, timeout))
            return handler == nil ? (state.script.isEmpty ? nil : state.script.removeFirst()) : nil
        }
        if let handler { return try await handler(request) }
        switch reply {
        case .response(let response): return response
        case .failure(let error): throw error
        case nil: throw TransportError.connection("StubTransport has no scripted reply left")
        }
    }
}

extension TransportResponse {
    /// A response with a JSON body.
    public static func json(_ status: Int, _ body: String, headers: TransportHeaders = [:]) -> TransportResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return TransportResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    /// A successful token endpoint response.
    public static func token(_ accessToken: String, expiresIn: Int = 3599) -> TransportResponse {
        .json(200, #"{"token_type":"Bearer","expires_in":\#(expiresIn),"ext_expires_in":0,"access_token":"\#(accessToken)"}"#)
    }
}
