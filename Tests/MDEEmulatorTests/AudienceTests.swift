import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// Tokens are issued for the audience asked for; the API answers 403 to a token for another one.
struct AudienceTests {
    /// The resources mdebatch's cloud presets ask for (public, gcc, gcc-high and dod), copied here
    /// on purpose: the emulator and its tests share no code with the client.
    static let clientPresetResources = [
        "https://api.securitycenter.microsoft.com",
        "https://api-gcc.securitycenter.microsoft.us",
        "https://api-gov.securitycenter.microsoft.us",
    ]

    /// Other spellings of the MDE resource that real clients use.
    static let aliases = [
        "https://api.security.microsoft.com",
        "https://securitycenter.onmicrosoft.com/windowsatpservice",
        "https://api.securitycenter.windows.com",
        "fc780465-2017-40d4-a0c5-307022471b92",
        "https://API.SecurityCenter.Microsoft.com/",
    ]

    static let graph = "https://graph.microsoft.com"

    @Test(.timeLimit(.minutes(1)), arguments: clientPresetResources + aliases)
    func everyMDEResourceGetsATokenForItselfThatTheAPIAccepts(resource: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.live) { client in
            // v2: scope = resource + /.default
            let v2 = try await client.token(configuration, scope: resource + "/.default")
            #expect(try jwtClaims(v2)["aud"] as? String == resource)
            let created = try await client.submit(token: v2)
            #expect(created.status == .created)
            // v1: resource = resource, echoed in the response
            let v1 = try await client.v1Token(configuration, resource: resource)
            #expect(v1.resource == resource)
            #expect(try jwtClaims(v1.accessToken)["aud"] as? String == resource)
            #expect(try await client.get("/api/machineactions", token: v1.accessToken).status == .ok)
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["v2", "v1"])
    func aGraphTokenIsIssuedForGraphAndEveryAPIRouteAnswers403(endpoint: String) async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            // Given an action created with a good token
            let good = try await client.token(configuration)
            let action = try decode(MachineAction.self, try await client.submit(token: good, machine: Sample.otherMachine))
            // When a token is asked for Microsoft Graph
            let token: String
            if endpoint == "v2" {
                token = try await client.token(configuration, scope: Self.graph + "/.default")
            } else {
                let response = try await client.v1Token(configuration, resource: Self.graph)
                #expect(response.resource == Self.graph)
                token = response.accessToken
            }
            // Then the token endpoint issues it for Graph
            #expect(try jwtClaims(token)["aud"] as? String == Self.graph)
            // And every API route, versioned or not, refuses it with MDE's 403 shape, creating and cancelling nothing
            let responses = [
                try await client.submit(token: token),
                try await client.post(
                    "/api/v1.0/machines/\(Sample.machine)/StopAndQuarantineFile", token: token,
                    json: #"{"Comment":"c","Sha1":"\#(Sample.sha1)"}"#),
                try await client.cancel(action.id, token: token),
                try await client.get("/api/machineactions/\(action.id)", token: token),
                try await client.get("/api/machineactions", token: token),
                try await client.get("/api/v1.0/machineactions", token: token),
            ]
            for response in responses {
                #expect(response.status == .forbidden)
                #expect(try jsonKeys(response) == ["error"])
                let error = try decode(MDEErrorBody.self, response).error
                #expect(error.code == "Forbidden")
                #expect(error.message.contains(Self.graph))
                #expect(error.target.flatMap(UUID.init(uuidString:)) != nil)
            }
            let actions = try decode([MachineAction].self, try await client.get("/_emulator/actions", token: nil))
            #expect(actions.map(\.id) == [action.id])
            #expect(actions.first?.status == "Pending")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func wrongAudienceCallsDoNotUseTheQuota() async throws {
        let configuration = Sample.configuration { $0.limits = [RateLimit(limit: 1, window: .seconds(60))] }
        try await makeEmulator(configuration).test(.live) { client in
            let graph = try await client.token(configuration, scope: Self.graph + "/.default")
            #expect(try await client.get("/api/machineactions", token: graph).status == .forbidden)
            #expect(try await client.get("/api/machineactions", token: graph).status == .forbidden)
            let good = try await client.token(configuration)
            #expect(try await client.get("/api/machineactions", token: good).status == .ok)
            #expect(try await client.get("/api/machineactions", token: good).status == .tooManyRequests)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func anExpiredTokenForAnotherAudienceIsStill401() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let graph = try await client.token(configuration, scope: Self.graph + "/.default")
            clock.advance(by: configuration.tokenLifetime)
            let response = try await client.get("/api/machineactions", token: graph)
            #expect(response.status == .unauthorized)
            #expect(try errorCode(response) == "Unauthorized")
        }
    }
}
