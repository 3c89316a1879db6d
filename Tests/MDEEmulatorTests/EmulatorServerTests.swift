import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

struct EmulatorServerTests {
    static func request(
        _ server: EmulatorServer, _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: String? = nil
    ) async throws -> TestClient.Response {
        let client = TestClient(host: "127.0.0.1", port: server.port, configuration: .init(timeout: .seconds(10)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        return try await client.execute(
            .init(
                uri, method: method, authority: "127.0.0.1:\(server.port)", headers: headers,
                body: body.map { ByteBuffer(string: $0) })
        )
    }

    @Test(.timeLimit(.minutes(1)))
    func startedServerAnswersTokenSubmitListAndCancelOnItsPort() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(origin: Sample.origin))
        do {
            #expect(server.port > 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            let configuration = server.configuration
            let form =
                "grant_type=client_credentials&client_id=\(configuration.clientId)"
                + "&client_secret=\(configuration.clientSecret)&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
            let tokenResponse = try await Self.request(
                server, "/\(configuration.tenantId)/oauth2/v2.0/token", method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"], body: form
            )
            #expect(tokenResponse.status == .ok)
            let token = try JSONDecoder().decode(
                TokenResponse.self, from: Data(try #require(tokenResponse.body).readableBytesView)
            ).accessToken
            let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
            let created = try await Self.request(
                server, "/api/machines/\(Sample.machine)/StopAndQuarantineFile", method: .post, headers: auth,
                body: #"{"Comment":"live","Sha1":"\#(Sample.sha1)"}"#
            )
            #expect(created.status == .created)
            let action = try JSONDecoder().decode(MachineAction.self, from: Data(try #require(created.body).readableBytesView))
            #expect(action.odataContext == "\(server.baseURL)/api/$metadata#MachineActions/$entity")
            let list = try await Self.request(
                server, "/api/machineactions?$filter=machineId%20eq%20'\(Sample.machine)'", headers: auth)
            let listed = try JSONDecoder().decode(MachineActionList.self, from: Data(try #require(list.body).readableBytesView))
            #expect(listed.value.map(\.id) == [action.id])
            let cancelled = try await Self.request(
                server, "/api/machineactions/\(action.id)/cancel", method: .post, headers: auth, body: #"{"Comment":"undo"}"#
            )
            #expect(cancelled.status == .ok)
            let single = try await Self.request(server, "/api/machineactions/\(action.id)", headers: auth)
            let read = try JSONDecoder().decode(MachineAction.self, from: Data(try #require(single.body).readableBytesView))
            #expect(read.status == "Cancelled")
            #expect(await server.actions().map(\.status) == ["Cancelled"])
            #expect(await server.journal().map(\.status) == [200, 201, 200, 200, 200])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        // After stop the port no longer answers.
        await #expect(throws: (any Error).self) {
            try await Self.request(server, "/_emulator/clock")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func scaledClockRunsFasterThanRealTimeFromTheOrigin() async throws {
        // Given an origin 10 real seconds ago and a scale of 60
        let origin = Date().addingTimeInterval(-10)
        let server = try await EmulatorServer.start(EmulatorConfiguration(timeScale: 60, origin: origin))
        defer { Task { await server.stop() } }
        try await Task.sleep(for: .milliseconds(200))
        // Then emulator time is origin + real time since origin × 60, as the client's scaled clock computes it
        let before = origin.addingTimeInterval(Date().timeIntervalSince(origin) * 60)
        let response = try await Self.request(server, "/_emulator/clock")
        let after = origin.addingTimeInterval(Date().timeIntervalSince(origin) * 60)
        let info = try JSONDecoder().decode(EmulatorClockInfo.self, from: Data(try #require(response.body).readableBytesView))
        let now = try #require(EmulatorInstant(iso8601: info.now)).date
        #expect(info.scale == 60)
        #expect(info.origin == EmulatorInstant(origin).iso8601)
        #expect(now >= before.addingTimeInterval(-0.01))
        #expect(now <= after.addingTimeInterval(0.01))
        #expect(origin.distance(to: now) >= 612)  // (10 s + 0.2 s) × 60
    }

    @Test(.timeLimit(.minutes(1)))
    func badInputOverTheSocketGetsErrorBodiesNotHangs() async throws {
        let server = try await EmulatorServer.start(EmulatorConfiguration(origin: Sample.origin))
        defer { Task { await server.stop() } }
        let configuration = server.configuration
        let form =
            "grant_type=client_credentials&client_id=\(configuration.clientId)"
            + "&client_secret=\(configuration.clientSecret)&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
        let tokenResponse = try await Self.request(
            server, "/\(configuration.tenantId)/oauth2/v2.0/token", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"], body: form
        )
        let token = try JSONDecoder().decode(TokenResponse.self, from: Data(try #require(tokenResponse.body).readableBytesView))
            .accessToken
        let auth: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
        let uri = "/api/machines/\(Sample.machine)/StopAndQuarantineFile"
        let huge = try await Self.request(server, uri, method: .post, headers: auth, body: String(repeating: "{", count: 200_000))
        #expect(huge.status == .contentTooLarge)
        let malformed = try await Self.request(server, uri, method: .post, headers: auth, body: "{\"Comment\":")
        #expect(malformed.status == .badRequest)
        let unknown = try await Self.request(server, "/no/such/route", headers: auth)
        #expect(unknown.status == .notFound)
        let missing = try await Self.request(server, "/api/machineactions/00000000-0000-0000-0000-000000000000", headers: auth)
        #expect(missing.status == .notFound)
        let body = try JSONDecoder().decode(MDEErrorBody.self, from: Data(try #require(missing.body).readableBytesView))
        #expect(body.error.code == "ResourceNotFound")
    }

    @Test(.timeLimit(.minutes(1)))
    func startingOnABusyPortThrows() async throws {
        let first = try await EmulatorServer.start(EmulatorConfiguration())
        await #expect(throws: (any Error).self) {
            let second = try await EmulatorServer.start(EmulatorConfiguration(port: first.port))
            await second.stop()
        }
        await first.stop()
    }

    @Test(.timeLimit(.minutes(1)))
    func twoServersGetDifferentPorts() async throws {
        let first = try await EmulatorServer.start(EmulatorConfiguration())
        let second = try await EmulatorServer.start(EmulatorConfiguration())
        #expect(first.port != second.port)
        await first.stop()
        await second.stop()
    }
}

struct EmulatorServerStopTests {
    @Test(.timeLimit(.minutes(1)))
    func stopCancelsARequestHeldByADelayFaultAfterTheGracePeriod() async throws {
        // Given a server on a manual clock that holds every submit for 45 emulator seconds
        let clock = ManualClock()
        let configuration = EmulatorConfiguration(
            origin: Sample.origin, faults: [FaultRule(.delayAfterCreate(.seconds(45)), rate: 1)])
        let server = try await EmulatorServer.start(configuration, clock: clock)
        let form =
            "grant_type=client_credentials&client_id=\(configuration.clientId)"
            + "&client_secret=\(configuration.clientSecret)&scope=https%3A%2F%2Fapi.securitycenter.microsoft.com%2F.default"
        let tokenResponse = try await EmulatorServerTests.request(
            server, "/\(configuration.tenantId)/oauth2/v2.0/token", method: .post,
            headers: [.contentType: "application/x-www-form-urlencoded"], body: form
        )
        let token = try JSONDecoder().decode(TokenResponse.self, from: Data(try #require(tokenResponse.body).readableBytesView))
            .accessToken
        async let held = EmulatorServerTests.request(
            server, "/api/machines/\(Sample.machine)/StopAndQuarantineFile", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: #"{"Comment":"held","Sha1":"\#(Sample.sha1)"}"#
        )
        while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
        // When the server is stopped while the clock never reaches the delay
        let started = ContinuousClock.now
        await server.stop(gracePeriod: .milliseconds(200))
        // Then stop returns after the grace period, and the held client gets no response
        #expect(started.duration(to: .now) < .seconds(5))
        do {
            let response = try await held
            Issue.record("Expected a transport error, got \(response.status).")
        } catch {
            #expect(error is TestClient.Error)
        }
        #expect(await server.actions().count == 1)
        #expect(await server.journal().last?.status == nil)
    }
}
