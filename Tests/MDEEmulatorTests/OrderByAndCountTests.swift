import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// `$orderby` and `$count=true` on `GET /api/machineactions`, over a live socket.
struct OrderByAndCountTests {
    /// Four actions on machines 1…4 created 10 s apart, with the clock then at 40 s: the first two
    /// are `InProgress`, the last two `Pending`.
    static func seedFour(_ client: some TestClientProtocol, token: String, clock: ManualClock) async throws -> [String] {
        try await ListTests.seed(client, token: token, clock: clock, machines: (1...4).map(Sample.machine), step: .seconds(10))
    }

    static func ids(_ client: some TestClientProtocol, token: String, _ query: String) async throws -> [String] {
        let response = try await ListTests.list(client, token: token, query)
        try #require(response.status == .ok)
        return try decode(MachineActionList.self, response).value.map(\.id)
    }

    @Test(.timeLimit(.minutes(1)))
    func orderByCreationTimeDescendingAscendingAndByDefault() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            let ids = try await Self.seedFour(client, token: token, clock: clock)
            // The exact option production clients send
            #expect(try await Self.ids(client, token: token, "?$orderby=CreationDateTimeUtc desc") == ids.reversed())
            #expect(try await Self.ids(client, token: token, "?$orderby=creationDateTimeUtc asc") == ids)
            #expect(try await Self.ids(client, token: token, "?$orderby=creationdatetimeutc") == ids)
            #expect(try await Self.ids(client, token: token, "?$orderby=MACHINEID DESC") == ids.reversed())
            #expect(try await Self.ids(client, token: token, "?$orderby=id desc") == ids.sorted().reversed())
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func orderByAppliesBeforeFilterPagingAndCombinesKeys() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            let ids = try await Self.seedFour(client, token: token, clock: clock)
            // Status sorts by name: InProgress (ids 0, 1) before Pending (ids 2, 3)
            #expect(
                try await Self.ids(client, token: token, "?$orderby=status,creationDateTimeUtc desc") == [
                    ids[1], ids[0], ids[3], ids[2],
                ])
            #expect(
                try await Self.ids(client, token: token, "?$orderby=Status desc, CreationDateTimeUtc asc") == [
                    ids[2], ids[3], ids[0], ids[1],
                ])
            // Sorting happens before $skip and $top, and after $filter
            #expect(
                try await Self.ids(client, token: token, "?$orderby=creationDateTimeUtc desc&$top=2&$skip=1") == [ids[2], ids[1]])
            #expect(
                try await Self.ids(client, token: token, "?$filter=status eq 'Pending'&$orderby=creationDateTimeUtc desc") == [
                    ids[3], ids[2],
                ]
            )
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func countIsTheNumberOfMatchesBeforeSkipAndTop() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            _ = try await Self.seedFour(client, token: token, clock: clock)
            let counted = try await ListTests.list(client, token: token, "?$filter=status eq 'Pending'&$count=true&$top=1")
            #expect(counted.status == .ok)
            #expect(try jsonKeys(counted) == ["@odata.context", "@odata.count", "value"])
            let list = try decode(MachineActionList.self, counted)
            #expect(list.count == 2)
            #expect(list.value.count == 1)
            let all = try decode(MachineActionList.self, try await ListTests.list(client, token: token, "?$count=true&$skip=3"))
            #expect(all.count == 4)
            #expect(all.value.count == 1)
            let none = try decode(
                MachineActionList.self, try await ListTests.list(client, token: token, "?$filter=status eq 'Failed'&$count=true"))
            #expect(none.count == 0)
            #expect(none.value.isEmpty)
            // Without $count=true there is no @odata.count
            #expect(try jsonKeys(try await ListTests.list(client, token: token, "?$count=false")) == ["@odata.context", "value"])
            #expect(try jsonKeys(try await ListTests.list(client, token: token, "?$top=1")) == ["@odata.context", "value"])
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func nextLinksKeepTheOrderAndTheCount() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration { $0.listPageSize = 2 }
        try await makeEmulator(configuration, clock: clock).test(.live) { client in
            let token = try await client.token(configuration)
            let ids = try await ListTests.seed(client, token: token, clock: clock, machines: (1...5).map(Sample.machine))
            var seen: [String] = []
            var counts: [Int?] = []
            var uri: String? = "/api/machineactions?$orderby=creationDateTimeUtc%20desc&$count=true"
            while let next = uri, counts.count < 10 {
                let response = try await client.get(next, token: token)
                try #require(response.status == .ok)
                let page = try decode(MachineActionList.self, response)
                seen += page.value.map(\.id)
                counts.append(page.count)
                uri = try page.nextLink.map { link in
                    let url = try #require(URL(string: link))
                    return url.path + "?" + (url.query(percentEncoded: true) ?? "")
                }
            }
            #expect(seen == ids.reversed())
            #expect(counts == [5, 5, 5])
        }
    }

    @Test(
        .timeLimit(.minutes(1)),
        arguments: [
            "?$orderby=color desc",
            "?$orderby=lastUpdateDateTimeUtc desc",
            "?$orderby=creationDateTimeUtc sideways",
            "?$orderby=creationDateTimeUtc desc extra",
            "?$orderby=",
            "?$orderby=id,",
            "?$orderby=id, ID desc",
            "?$count=maybe",
        ])
    func malformedOrderByAndCountGet400ODataError(query: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.live) { client in
            let token = try await client.token(configuration)
            let response = try await ListTests.list(client, token: token, query)
            #expect(response.status == .badRequest)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == "ODataError")
            #expect(error.message.hasPrefix("The query specified in the URI is not valid."))
        }
    }
}
