import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

/// The emulator's wire types read MDE's own examples, and the emulator writes the same field names.
struct ContractTests {
    static func keys(_ json: String) throws -> Set<String> {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return Set(object.keys)
    }

    @Test func wireTypesDecodeThe201Examples() throws {
        let witp = try JSONDecoder().decode(MachineAction.self, from: Data(MDEAPIExamples.witp201.utf8))
        #expect(witp.status == "InProgress")
        #expect(witp.lastUpdateDateTimeUtc == "2018-12-04T12:15:04.3825985Z")  // from the doc-only lastUpdateTimeUtc
        #expect(witp.relatedFileInfo?.fileIdentifierType == "Sha1")
        #expect(witp.odataContext == "https://api.securitycenter.windows.com/api/$metadata#MachineActions/$entity")

        let xsoar = try JSONDecoder().decode(MachineAction.self, from: Data(MDEAPIExamples.xsoar201.utf8))
        #expect(xsoar.status == "Pending")
        #expect(xsoar.errorHResult == 0)
        #expect(xsoar.commands == [])
        #expect(xsoar.cancellationDateTimeUtc == nil)

        let offboard = try JSONDecoder().decode(MachineAction.self, from: Data(MDEAPIExamples.offboard201.utf8))
        #expect(offboard.requestSource == "PublicApi")
        #expect(offboard.relatedFileInfo == nil)
    }

    @Test func wireTypesDecodeTheErrorAndRequestExamples() throws {
        let notFound = try JSONDecoder().decode(MDEErrorBody.self, from: Data(MDEAPIExamples.resourceNotFound.utf8))
        #expect(
            notFound.error
                == .init(
                    code: "ResourceNotFound", message: "Machine 123123123 was not found",
                    target: "43f4cb08-8fac-4b65-9db1-745c2ae65f3a"))
        let badBody = try JSONDecoder().decode(MDEErrorBody.self, from: Data(MDEAPIExamples.invalidRequestBody.utf8))
        #expect(badBody.error.code == "InvalidRequestBody")
        let odata = try JSONDecoder().decode(MDEErrorBody.self, from: Data(MDEAPIExamples.odataStopError.utf8))
        #expect(odata.error.code == "")
        #expect(odata.error.details == [])
        let token = try JSONDecoder().decode(TokenResponse.self, from: Data(MDEAPIExamples.tokenResponse.utf8))
        #expect(token.expiresIn == 3599)
        #expect(try Self.keys(MDEAPIExamples.stopAndQuarantineRequest) == ["Comment", "Sha1"])
        #expect(try Self.keys(MDEAPIExamples.cancelRequest) == ["Comment"])
    }

    @Test func emulatorAnswersWithTheFieldNamesOfTheRealService() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            // The documented request body, verbatim.
            let created = try await client.post(
                "/api/machines/\(Sample.machine)/StopAndQuarantineFile", token: token,
                json: MDEAPIExamples.stopAndQuarantineRequest
            )
            #expect(created.status == .created)
            // Same field set as the real (Offboard) 201, which carries the full current entity.
            #expect(try jsonKeys(created) == (try Self.keys(MDEAPIExamples.offboard201)))
            // Every field of the StopAndQuarantineFile 201 fixture is present too.
            #expect(try Self.keys(MDEAPIExamples.xsoar201).isSubset(of: try jsonKeys(created)))
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(created.body.readableBytesView)) as? [String: Any]
            )
            let fileInfo = try #require(object["relatedFileInfo"] as? [String: Any])
            #expect(Set(fileInfo.keys) == ["fileIdentifier", "fileIdentifierType"])
            #expect(object["title"] is NSNull)
            #expect(object["commands"] as? [Any] != nil)
            let id = try decode(MachineAction.self, created).id

            let cancelled = try await client.post(
                "/api/machineactions/\(id)/cancel", token: token, json: MDEAPIExamples.cancelRequest
            )
            #expect(cancelled.status == .ok)
            #expect(try jsonKeys(cancelled) == (try Self.keys(MDEAPIExamples.offboard201)))
            #expect(try decode(MachineAction.self, cancelled).cancellationComment == "Machine action was canceled by automation")

            let unknown = try await client.submit(token: token, machine: "deadbeef" + String(repeating: "0", count: 32))
            let errorObject = try #require(
                try JSONSerialization.jsonObject(with: Data(unknown.body.readableBytesView)) as? [String: Any]
            )
            let error = try #require(errorObject["error"] as? [String: Any])
            let exampleError = try #require(
                try JSONSerialization.jsonObject(with: Data(MDEAPIExamples.resourceNotFound.utf8)) as? [String: Any]
            )
            #expect(Set(errorObject.keys) == Set(exampleError.keys))
            let exampleDetail = try #require(exampleError["error"] as? [String: Any])
            #expect(Set(error.keys) == Set(exampleDetail.keys))

            let list = try await client.get("/api/machineactions", token: token)
            #expect(try jsonKeys(list) == ["@odata.context", "value"])
        }
    }
}
