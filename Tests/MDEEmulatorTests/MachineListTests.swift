import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

/// `GET /api/machines`: the Machine entity, `$filter`, 404 on an empty result, `$top`, `$skip` and paging.
struct MachineListTests {
    typealias S = InventorySample

    @Test func listHasTheODataShapeAndTheMachineEntityInIdOrder() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.machines(token: token)
            #expect(response.status == .ok)
            #expect(try jsonKeys(response) == ["@odata.context", "value"])
            let list = try decode(MachineEntityList.self, response)
            #expect(list.odataContext?.hasSuffix("/api/$metadata#Machines") == true)
            #expect(list.value.map(\.id) == [S.alpha, S.bravo, S.charlie, S.delta, S.obrien])
            // Every field of a real Machine, nulls written out.
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            let first = try #require((object["value"] as? [[String: Any]])?.first)
            #expect(Set(first.keys) == Set(MachineEntity.wireFieldNames))
            for field in [
                "id", "computerDnsName", "firstSeen", "lastSeen", "osPlatform", "version", "osProcessor", "lastIpAddress",
                "healthStatus", "onboardingStatus", "rbacGroupId", "rbacGroupName", "riskScore", "exposureLevel",
                "aadDeviceId", "machineTags", "mergedIntoMachineId", "isPotentialDuplication", "isExcluded",
            ] {
                #expect(first.keys.contains(field), "\(field)")
            }
            #expect(first["mergedIntoMachineId"] is NSNull)
            #expect(first["rbacGroupName"] is NSNull)
            // Dates resolved against the origin (2026-01-01), with seven fractional digits.
            let alpha = list.value[0]
            #expect(alpha.lastSeen == "2025-12-31T23:00:00.0000000Z")
            #expect(alpha.firstSeen == "2025-10-02T23:00:00.0000000Z")
            #expect(alpha.healthStatus == "Active")
            #expect(alpha.onboardingStatus == "Onboarded")
            #expect(alpha.machineTags == ["VIP", "Finance"])
            #expect(list.value[2].healthStatus == "Inactive")
            #expect(list.value[2].onboardingStatus == "CanBeOnboarded")
        }
    }

    @Test func computerDnsNameFiltersMatchCaseInsensitively() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            func ids(_ filter: String) async throws -> [String] { try await client.machineIds(filter: filter, token: token) }
            #expect(try await ids("computerDnsName eq 'alpha.contoso.local'") == [S.alpha])
            #expect(try await ids("computerDnsName eq 'ALPHA.Contoso.LOCAL'") == [S.alpha])
            #expect(try await ids("computerDnsName eq 'bravo.contoso.local'") == [S.bravo])
            #expect(try await ids("ComputerDnsName EQ 'CHARLIE'") == [S.charlie])
            // eq is the whole name: a short name does not match an FQDN.
            #expect(try await ids("computerDnsName eq 'alpha'") == [])
            // startswith: the short name is a prefix of more than one machine.
            #expect(try await ids("startswith(computerDnsName,'alpha')") == [S.alpha, S.delta])
            #expect(try await ids("startswith(computerDnsName, 'ALPHA.')") == [S.alpha])
            #expect(try await ids("startswith(computerDnsName,'bravo.') eq true") == [S.bravo])
            // in
            #expect(try await ids("computerDnsName in ('charlie', 'BRAVO.contoso.local', 'nobody')") == [S.bravo, S.charlie])
            #expect(try await ids("computerDnsName in ('charlie')") == [S.charlie])
            // An escaped quote: '' is one quote.
            #expect(try await ids("computerDnsName eq 'o''brien-lt'") == [S.obrien])
            #expect(try await ids("computerDnsName in ('O''BRIEN-LT','x')") == [S.obrien])
            #expect(try await ids("startswith(computerDnsName,'o''b')") == [S.obrien])
        }
    }

    @Test func idAndStatusFiltersAndOrAndChains() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            func ids(_ filter: String) async throws -> [String] { try await client.machineIds(filter: filter, token: token) }
            #expect(try await ids("id eq '\(S.charlie)'") == [S.charlie])
            #expect(try await ids("id eq '\(S.charlie.uppercased())'") == [S.charlie])
            #expect(try await ids("id in ('\(S.delta)','\(S.alpha)')") == [S.alpha, S.delta])
            #expect(try await ids("healthStatus eq 'Inactive'") == [S.charlie])
            #expect(try await ids("healthStatus eq 'impairedcommunication'") == [S.delta])
            #expect(try await ids("onboardingStatus eq 'CanBeOnboarded'") == [S.charlie])
            #expect(try await ids("healthStatus ne 'Active'") == [S.charlie, S.delta])
            // or chains, with and without parentheses, mixing forms
            #expect(
                try await ids("computerDnsName eq 'charlie' or computerDnsName eq 'bravo.contoso.local'") == [S.bravo, S.charlie])
            #expect(
                try await ids(
                    "(computerDnsName eq 'charlie') or (startswith(computerDnsName,'alpha.')) or (id eq '\(S.obrien)')")
                    == [S.alpha, S.charlie, S.obrien])
            #expect(
                try await ids("id in ('\(S.bravo)') or computerDnsName in ('o''brien-lt') or healthStatus eq 'Inactive'")
                    == [S.bravo, S.charlie, S.obrien])
            // and, which binds tighter than or
            #expect(try await ids("startswith(computerDnsName,'alpha') and healthStatus eq 'Active'") == [S.alpha])
            #expect(
                try await ids("healthStatus eq 'Inactive' or startswith(computerDnsName,'alpha') and healthStatus eq 'Active'")
                    == [S.alpha, S.charlie])
            #expect(
                try await ids(
                    "(healthStatus eq 'Inactive' or startswith(computerDnsName,'alpha')) and onboardingStatus eq 'Onboarded'")
                    == [S.alpha, S.delta])
            // The other documented properties
            #expect(try await ids("lastSeen gt 2025-12-31T00:00:00Z") == [S.alpha, S.delta, S.obrien])
            #expect(try await ids("rbacGroupId eq 7") == [S.alpha])
            #expect(try await ids("machineTags/any(tag: tag eq 'vip')") == [S.alpha])
            #expect(try await ids("osPlatform eq 'Windows11' and riskScore eq 'None' and exposureLevel eq 'Low'").count == 5)
        }
    }

    @Test func anEmptyResultIs404ResourceNotFound() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.machines(["$filter": "computerDnsName eq 'ws-299'"], token: token)
            #expect(response.status == .notFound)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == "ResourceNotFound")
            #expect(error.target != nil)
        }
        // An empty inventory is "no recent machines" as well.
        let empty = Sample.configuration { $0.inventory = Inventory() }
        try await makeEmulator(empty).test(.router) { client in
            let token = try await client.token(empty)
            #expect(try await client.machines(token: token).status == .notFound)
        }
    }

    @Test func skipPastTheEndOfAResultIsAnEmptyPage() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.machines(["$filter": "healthStatus eq 'Active'", "$skip": "10"], token: token)
            #expect(response.status == .ok)
            let list = try decode(MachineEntityList.self, response)
            #expect(list.value.isEmpty)
            #expect(list.nextLink == nil)
        }
    }

    @Test func topAndSkipPageWithoutANextLink() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let page = try decode(MachineEntityList.self, try await client.machines(["$top": "2", "$skip": "1"], token: token))
            #expect(page.value.map(\.id) == [S.bravo, S.charlie])
            #expect(page.nextLink == nil)
            #expect(try await client.machines(["$top": "10000"], token: token).status == .ok)
        }
    }

    @Test func nextLinkPagesThroughEveryMachineKeepingTheQuery() async throws {
        let configuration = S.configuration { $0.listPageSize = 2 }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            var seen: [String] = []
            var links: [String] = []
            var response = try await client.machines(
                ["$filter": "healthStatus eq 'Active' or healthStatus eq 'Inactive'", "$count": "true"], token: token,
                prefix: "/api/v1.0")
            while true {
                try #require(response.status == .ok)
                let page = try decode(MachineEntityList.self, response)
                #expect(page.count == 4)
                seen += page.value.map(\.id)
                guard let link = page.nextLink, links.count < 5 else { break }
                links.append(link)
                let url = try #require(URL(string: link))
                response = try await client.get(url.path + "?" + (url.query(percentEncoded: true) ?? ""), token: token)
            }
            #expect(seen == [S.alpha, S.bravo, S.charlie, S.obrien])
            #expect(links.count == 1)
            #expect(links.first?.contains("/api/v1.0/machines?$filter=") == true)
            #expect(links.first?.hasSuffix("&$count=true&$skip=2") == true)
        }
    }

    @Test func orderByReordersAndTiesKeepIdOrder() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let byLastSeen = try decode(
                MachineEntityList.self, try await client.machines(["$orderby": "lastSeen desc"], token: token))
            #expect(byLastSeen.value.map(\.id) == [S.delta, S.alpha, S.obrien, S.bravo, S.charlie])
            let byName = try decode(
                MachineEntityList.self, try await client.machines(["$orderby": "computerDnsName"], token: token))
            #expect(byName.value.map(\.computerDnsName).first == "alpha-2.contoso.local")
        }
    }

    @Test(
        arguments: [
            ["$top": "10001"],
            ["$top": "-1"],
            ["$skip": "x"],
            ["$select": "id"],
            ["$filter": ""],
            ["$filter": "computerDnsName eq"],
            ["$filter": "computerDnsName eq 'unterminated"],
            ["$filter": "computerDnsName eq ws-200"],
            ["$filter": "computerDnsName eq 'a' or"],
            ["$filter": "computerDnsName eq 'a' xor id eq 'b'"],
            ["$filter": "(computerDnsName eq 'a'"],
            ["$filter": "computerDnsName like 'a%'"],
            ["$filter": "color eq 'red'"],
            ["$filter": "healthStatus eq 'Dead'"],
            ["$filter": "startswith(computerDnsName)"],
            ["$filter": "startswith(rbacGroupId,'1')"],
            ["$filter": "lastSeen gt '2026-01-01T00:00:00Z'"],
            ["$filter": "machineTags eq 'VIP'"],
            ["$filter": "not computerDnsName eq 'a'"],
            ["$filter": "id in ()"],
            ["$orderby": "machineTags"],
        ] as [KeyValuePairs<String, String>])
    func malformedQueriesGet400ODataError(options: KeyValuePairs<String, String>) async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.machines(options, token: token)
            #expect(response.status == .badRequest)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == "ODataError")
            #expect(error.message.hasPrefix("The query specified in the URI is not valid."))
            #expect(error.details == [])
        }
    }

    @Test func theRouteNeedsAValidTokenAndAnswersUnderV1() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            #expect(try await client.machines(token: "not-a-token").status == .unauthorized)
            let graph = try await client.token(configuration, scope: "https://graph.microsoft.com/.default")
            #expect(try await client.machines(token: graph).status == .forbidden)
            let token = try await client.token(configuration)
            let versioned = try await client.machines(token: token, prefix: "/api/v1.0")
            #expect(versioned.status == .ok)
            #expect(try decode(MachineEntityList.self, versioned).odataContext?.hasSuffix("/api/v1.0/$metadata#Machines") == true)
            // A POST to the list is a wrong method on a known route.
            let post = try await client.post("/api/machines", token: token, json: "{}")
            #expect(post.status == .methodNotAllowed)
        }
    }
}
