import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import Testing

/// `GET /api/files/{id}` and `GET /api/files/{sha1}/machines`.
struct FileRouteTests {
    typealias S = InventorySample

    @Test func aFileIsFoundBySha1OrSha256InEitherCase() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            for id in [S.fileSha1, S.fileSha256, S.fileSha1.uppercased(), S.fileSha256.uppercased()] {
                let response = try await client.get("/api/files/\(id)", token: token)
                try #require(response.status == .ok, "\(id)")
                let file = try decode(FileEntity.self, response)
                #expect(file.sha1 == S.fileSha1)
                #expect(file.sha256 == S.fileSha256)
                #expect(file.odataContext?.hasSuffix("/api/$metadata#Files/$entity") == true)
                #expect(file.globalPrevalence == 2)
                #expect(try jsonKeys(response) == Set(FileEntity.wireFieldNames + ["@odata.context"]))
                #expect(try !jsonKeys(response).contains("md5"))
            }
            let versioned = try await client.get("/api/v1.0/files/\(S.fileSha256)", token: token)
            #expect(try decode(FileEntity.self, versioned).odataContext?.hasSuffix("/api/v1.0/$metadata#Files/$entity") == true)
        }
    }

    @Test func anUnknownFileIs404AndAnMD5OrMalformedIdIs400() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            for unknown in [Sample.sha1, String(repeating: "c", count: 64)] {
                let response = try await client.get("/api/files/\(unknown)", token: token)
                #expect(response.status == .notFound)
                #expect(try errorCode(response) == "ResourceNotFound")
            }
            for invalid in ["d41d8cd98f00b204e9800998ecf8427e", "not-a-hash", String(repeating: "g", count: 40), "abc"] {
                let response = try await client.get("/api/files/\(invalid)", token: token)
                #expect(response.status == .badRequest, "\(invalid)")
                #expect(try errorCode(response) == "InvalidHashValue")
            }
        }
    }

    @Test func fileMachinesListsEveryMachineThatSawTheFile() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.get("/api/files/\(S.fileSha1.uppercased())/machines", token: token)
            #expect(response.status == .ok)
            let list = try decode(MachineEntityList.self, response)
            #expect(list.value.map(\.id) == [S.alpha, S.bravo])
            #expect(list.nextLink == nil)
            #expect(list.value.last?.computerDnsName == "Bravo.Contoso.Local")
            // A known file nobody saw, and an unknown file: 200 with an empty set.
            for sha1 in [S.lonelySha1, Sample.sha1] {
                let empty = try await client.get("/api/v1.0/files/\(sha1)/machines", token: token)
                #expect(empty.status == .ok)
                #expect(try decode(MachineEntityList.self, empty).value.isEmpty)
            }
        }
    }

    @Test func fileMachinesTakesASha1Only() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            for id in [S.fileSha256, "d41d8cd98f00b204e9800998ecf8427e", "xyz"] {
                let response = try await client.get("/api/files/\(id)/machines", token: token)
                #expect(response.status == .badRequest, "\(id)")
                #expect(try errorCode(response) == "InvalidHashValue")
            }
        }
    }

    @Test func fileRoutesNeedATokenAndOnlyAnswerGet() async throws {
        let configuration = S.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            #expect(try await client.get("/api/files/\(S.fileSha1)", token: nil).status == .unauthorized)
            #expect(try await client.get("/api/files/\(S.fileSha1)/machines", token: nil).status == .unauthorized)
            let token = try await client.token(configuration)
            #expect(try await client.post("/api/files/\(S.fileSha1)", token: token, json: "{}").status == .methodNotAllowed)
            #expect(
                try await client.post("/api/files/\(S.fileSha1)/machines", token: token, json: "{}").status == .methodNotAllowed)
            #expect(try await client.get("/api/files/\(S.fileSha1)/alerts", token: token).status == .notFound)
        }
    }
}
