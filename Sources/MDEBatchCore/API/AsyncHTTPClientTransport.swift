import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// `HTTPTransport` over AsyncHTTPClient: pooled connections, a connect timeout, a bounded body.
///
/// The `HTTPClient` is either given by the caller (who shuts it down) or created by
/// `withTransport(connectTimeout:maxResponseBytes:_:)`, which shuts it down on return.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The largest response body read by default: 64 MiB (a page of 10,000 device records
    /// can pass 16 MiB).
    public static let defaultMaxResponseBytes = 64 * 1024 * 1024

    private let client: HTTPClient
    private let maxResponseBytes: Int

    /// Uses `client`, which the caller owns and shuts down. Build it with `makeClient(connectTimeout:)`
    /// so that refused connections fail quickly and redirects are not followed.
    public init(client: HTTPClient, maxResponseBytes: Int = AsyncHTTPClientTransport.defaultMaxResponseBytes) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// An `HTTPClient` configured for this tool: the given connect timeout (AsyncHTTPClient otherwise
    /// retries a refused connection for 10 s), no redirects, no decompression.
    public static func makeClient(connectTimeout: TimeInterval = 5) -> HTTPClient {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .milliseconds(Int64(max(connectTimeout, 0.001) * 1000)))
        )
        configuration.httpVersion = .automatic
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// Runs `body` with a transport whose client is shut down when `body` returns or throws.
    public static func withTransport<T: Sendable>(
        connectTimeout: TimeInterval = 5,
        maxResponseBytes: Int = AsyncHTTPClientTransport.defaultMaxResponseBytes,
        _ body: (AsyncHTTPClientTransport) async throws -> T
    ) async throws -> T {
        let client = makeClient(connectTimeout: connectTimeout)
        let transport = AsyncHTTPClientTransport(client: client, maxResponseBytes: maxResponseBytes)
        do {
            let result = try await body(transport)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    public func send(_ request: TransportRequest, timeout: TimeInterval) async throws -> TransportResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = HTTPMethod(rawValue: request.method)
        for field in request.headers { outgoing.headers.add(name: field.name, value: field.value) }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(data: body))
        }
        let deadline = TimeAmount.milliseconds(Int64(max(timeout, 0.001) * 1000))
        do {
            let response = try await client.execute(outgoing, timeout: deadline)
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            var headers = TransportHeaders()
            for field in response.headers { headers.add(name: field.name, value: field.value) }
            return TransportResponse(
                status: Int(response.status.code), headers: headers, body: Data(buffer: buffer))
        } catch {
            throw Self.classify(error, maxResponseBytes: maxResponseBytes)
        }
    }

    /// Maps AsyncHTTPClient and NIO errors onto `TransportError`, keeping cancellation as it is.
    static func classify(_ error: any Error, maxResponseBytes: Int) -> any Error {
        if error is CancellationError { return error }
        if error is NIOTooManyBytesError {
            return TransportError.responseTooLarge(limit: maxResponseBytes)
        }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportError.timeout
            case .connectTimeout, .tlsHandshakeTimeout, .getConnectionFromPoolTimeout:
                return TransportError.connection("no connection could be established in time (\(error))")
            case .remoteConnectionClosed:
                return TransportError.connection("the server closed the connection before the response was complete")
            case .cancelled:
                return Task.isCancelled ? CancellationError() : TransportError.connection("the request was cancelled")
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportError.invalidRequest(String(describing: error))
            default:
                return TransportError.connection(String(describing: error))
            }
        }
        if Task.isCancelled { return CancellationError() }
        let text = String(describing: error)
        if text.contains("ECONNREFUSED") || text.localizedCaseInsensitiveContains("connection refused") {
            return TransportError.connection("connection refused")
        }
        if text.contains("ECONNRESET") || text.localizedCaseInsensitiveContains("reset by peer") {
            return TransportError.connection("connection reset by peer")
        }
        return TransportError.connection(text)
    }
}
