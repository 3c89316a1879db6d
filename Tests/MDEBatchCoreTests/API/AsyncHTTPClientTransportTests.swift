import Foundation
import MDEBatchCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A loopback TCP listener on a blocking socket, for transport tests only.
private final class LoopbackListener: @unchecked Sendable {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        #if canImport(Glibc)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        try #require(bound == 0)
        try #require(listen(fd, 16) == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one connection on a thread, reads the request head and body, and writes `response`.
    func serveOnce(response: String) {
        let descriptor = self.descriptor
        Thread.detachNewThread {
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { return }
            var received = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(client, &buffer, buffer.count)
                if count <= 0 { break }
                received += buffer[0..<count]
                let text = String(decoding: received, as: UTF8.self)
                if let headEnd = text.range(of: "\r\n\r\n") {
                    let head = text[..<headEnd.lowerBound].lowercased()
                    let length =
                        head.split(separator: "\r\n")
                        .first { $0.hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    if text.utf8.count - text[..<headEnd.upperBound].utf8.count >= length { break }
                }
            }
            let bytes = Array(response.utf8)
            _ = bytes.withUnsafeBufferPointer { write(client, $0.baseAddress, $0.count) }
            closeSocket(client)
        }
    }

    func close() {
        closeSocket(descriptor)
    }
}

private func closeSocket(_ descriptor: Int32) {
    #if canImport(Glibc)
        _ = Glibc.close(descriptor)
    #else
        _ = Darwin.close(descriptor)
    #endif
}

@Suite(.timeLimit(.minutes(1)))
struct AsyncHTTPClientTransportTests {
    @Test func sendsTheRequestAndReadsTheResponse() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let body = #"{"id":"a"}"#
        listener.serveOnce(
            response:
                "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nRetry-After: 3\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        )
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/api/machines/m/StopAndQuarantineFile"))
        let response = try await AsyncHTTPClientTransport.withTransport(connectTimeout: 1) { transport in
            try await transport.send(
                TransportRequest(
                    method: "POST", url: url, headers: ["Content-Type": "application/json"],
                    body: Data(#"{"Comment":"c","Sha1":"s"}"#.utf8)),
                timeout: 10)
        }
        #expect(response.status == 201)
        #expect(response.headers["retry-after"] == "3")
        #expect(String(decoding: response.body, as: UTF8.self) == body)
    }

    @Test func refusedConnectionFailsFastAsAConnectionError() async throws {
        let listener = try LoopbackListener()
        let port = listener.port
        listener.close()  // nothing listens on this port any more
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/api/machineactions"))
        let started = Date()
        let error = await #expect(throws: TransportError.self) {
            try await AsyncHTTPClientTransport.withTransport(connectTimeout: 1) { transport in
                try await transport.send(TransportRequest(method: "GET", url: url), timeout: 120)
            }
        }
        guard case .connection = error else {
            Issue.record("expected a connection error, got \(String(describing: error))")
            return
        }
        // Not the 120 s request time-out; the bound is loose for loaded machines.
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        // The kernel completes the handshake from the backlog; nobody ever reads or answers.
        let listener = try LoopbackListener()
        defer { listener.close() }
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/api/machineactions"))
        let started = Date()
        await #expect(throws: TransportError.timeout) {
            try await AsyncHTTPClientTransport.withTransport(connectTimeout: 1) { transport in
                try await transport.send(TransportRequest(method: "GET", url: url), timeout: 0.5)
            }
        }
        // Without the time-out this would wait forever; the bound is loose for loaded machines.
        #expect(Date().timeIntervalSince(started) < 30)
    }

    @Test func oversizedBodiesAreRefused() async throws {
        let listener = try LoopbackListener()
        defer { listener.close() }
        let body = String(repeating: "x", count: 2048)
        listener.serveOnce(response: "HTTP/1.1 200 OK\r\nContent-Length: 2048\r\nConnection: close\r\n\r\n\(body)")
        let url = try #require(URL(string: "http://127.0.0.1:\(listener.port)/"))
        await #expect(throws: TransportError.responseTooLarge(limit: 1024)) {
            try await AsyncHTTPClientTransport.withTransport(connectTimeout: 1, maxResponseBytes: 1024) { transport in
                try await transport.send(TransportRequest(method: "GET", url: url), timeout: 10)
            }
        }
    }
}
