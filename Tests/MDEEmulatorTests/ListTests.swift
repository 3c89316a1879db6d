import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

struct ListTests {
    /// Submits one action per machine in `machines`, `step` apart on the clock; returns their ids.
    static func seed(
        _ client: some TestClientProtocol, token: String, clock: ManualClock, machines: [String], step: Duration = .seconds(1)
    ) async throws -> [String] {
        var ids: [String] = []
        for machine in machines {
            let response = try await client.submit(token: token, machine: machine)
            try #require(response.status == .created)
            ids.append(try decode(MachineAction.self, response).id)
            clock.advance(by: step)
        }
        return ids
    }

    static func list(_ client: some TestClientProtocol, token: String, _ query: String) async throws -> TestResponse {
        let encoded =
            query.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+")))
            ?? query
        return try await client.get("/api/machineactions\(encoded)", token: token)
    }

    @Test func listHasTheODataShape() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            _ = try await Self.seed(client, token: token, clock: clock, machines: [Sample.machine])
            let response = try await client.get("/api/machineactions", token: token)
            #expect(response.status == .ok)
            #expect(try jsonKeys(response) == ["@odata.context", "value"])
            let list = try decode(MachineActionList.self, response)
            #expect(list.odataContext.hasSuffix("/api/$metadata#MachineActions"))
            #expect(list.value.count == 1)
            #expect(list.value.first?.odataContext == nil)
        }
    }

    @Test func filtersOnEachPropertyCaseInsensitively() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let machines = (1...4).map(Sample.machine)
            let ids = try await Self.seed(client, token: token, clock: clock, machines: machines, step: .seconds(10))
            func matching(_ query: String) async throws -> [String] {
                let response = try await Self.list(client, token: token, query)
                try #require(response.status == .ok)
                return try decode(MachineActionList.self, response).value.map(\.id)
            }
            #expect(try await matching("?$filter=machineId eq '\(machines[1])'") == [ids[1]])
            #expect(try await matching("?$filter=MachineId eq '\(machines[1].uppercased())'") == [ids[1]])
            #expect(try await matching("?$filter=id eq '\(ids[2])'") == [ids[2]])
            #expect(try await matching("?$filter=id in ('\(ids[0])', '\(ids[3])')") == [ids[0], ids[3]])
            #expect(
                try await matching("?$filter=type eq 'StopAndQuarantineFile' and requestor eq '\(configuration.requestor)'")
                    == ids)
            #expect(try await matching("?$filter=creationDateTimeUtc ge 2026-01-01T00:00:10Z") == Array(ids[1...]))
            #expect(try await matching("?$filter=CreationDateTimeUtc gt 2026-01-01T00:00:10Z") == Array(ids[2...]))
            #expect(try await matching("?$filter=creationDateTimeUtc lt 2026-01-01T00:00:10.0000001Z") == Array(ids[...1]))
            #expect(
                try await matching("?$filter=creationDateTimeUtc le 2026-01-01T00:00:00Z and machineId eq '\(machines[0])'") == [
                    ids[0]
                ])
            // Clock at 40 s: actions created at 0 s and 10 s are InProgress, those at 20 s and 30 s Pending.
            #expect(try await matching("?$filter=status eq 'Pending'") == Array(ids[2...]))
            #expect(try await matching("?$filter=status eq 'InProgress' and type eq 'StopAndQuarantineFile'") == Array(ids[...1]))
        }
    }

    @Test func topAndSkipPageWithoutANextLink() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let ids = try await Self.seed(client, token: token, clock: clock, machines: (1...5).map(Sample.machine))
            let page = try decode(MachineActionList.self, try await Self.list(client, token: token, "?$top=2&$skip=1"))
            #expect(page.value.map(\.id) == Array(ids[1...2]))
            #expect(page.nextLink == nil)
        }
    }

    @Test func nextLinkAppearsWhenMoreResultsExistAndNoTopWasGiven() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.listPageSize = 2 }
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            let ids = try await Self.seed(client, token: token, clock: clock, machines: (1...5).map(Sample.machine))
            var seen: [String] = []
            var uri: String? = "/api/machineactions?$filter=type%20eq%20'StopAndQuarantineFile'"
            var pages = 0
            while let next = uri, pages < 10 {
                let response = try await client.get(next, token: token)
                try #require(response.status == .ok)
                let page = try decode(MachineActionList.self, response)
                seen += page.value.map(\.id)
                uri = try page.nextLink.map { link in
                    let url = try #require(URL(string: link))
                    return url.path + "?" + (url.query(percentEncoded: true) ?? "")
                }
                pages += 1
            }
            #expect(seen == ids)
            #expect(pages == 3)
        }
    }

    @Test(arguments: [
        "?$stop=10",
        "?$top=10001",
        "?$top=-1",
        "?$skip=abc",
        "?$filter=machineId eq",
        "?$filter=machineId eq 'abc' or id eq 'x'",
        "?$filter=color eq 'red'",
        "?$filter=status eq 'Done'",
        "?$filter=creationDateTimeUtc ge '2026-01-01T00:00:00Z'",
        "?$filter=creationDateTimeUtc ge yesterday",
        "?$filter=machineId eq 'unterminated",
        "?$filter=",
    ])
    func malformedQueriesGet400ODataError(query: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await Self.list(client, token: token, query)
            #expect(response.status == .badRequest)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == "ODataError")
            #expect(error.message.hasPrefix("The query specified in the URI is not valid."))
            #expect(error.target != nil)
        }
    }

    @Test func topAtTheMaximumIsAccepted() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await Self.list(client, token: token, "?$top=10000").status == .ok)
        }
    }
}
