import Foundation
import HTTPTypes
import HummingbirdTesting
import MDEEmulator
import NIOCore
import Testing

struct SubmitTests {
    @Test func submitAnswers201WithAPendingAction() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token, sha1: Sample.sha1.uppercased(), comment: "run 42")
            #expect(response.status == .created)
            let action = try decode(MachineAction.self, response)
            #expect(action.status == "Pending")
            #expect(action.type == "StopAndQuarantineFile")
            #expect(action.machineId == Sample.machine)
            #expect(action.requestorComment == "run 42")
            #expect(action.relatedFileInfo == .init(fileIdentifier: Sample.sha1, fileIdentifierType: "Sha1"))
            #expect(action.creationDateTimeUtc == "2026-01-01T00:00:00.0000000Z")
            #expect(action.odataContext?.hasSuffix("/api/$metadata#MachineActions/$entity") == true)
            #expect(UUID(uuidString: action.id) != nil)
        }
    }

    @Test func pathSegmentIsCaseInsensitive() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.post(
                "/api/machines/\(Sample.machine)/stopAndQuarantineFile", token: token,
                json: #"{"Comment":"c","Sha1":"\#(Sample.sha1)"}"#
            )
            #expect(response.status == .created)
        }
    }

    @Test func identicalOpenActionIsRefusedButOtherHashOrMachineIsNot() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.submit(token: token).status == .created)
            let duplicate = try await client.submit(token: token, sha1: Sample.sha1.uppercased())
            #expect(duplicate.status == .badRequest)
            let body = try decode(MDEErrorBody.self, duplicate)
            #expect(body.error.code == "ActiveRequestAlreadyExists")
            #expect(body.error.message == "Action is already in progress")
            #expect(try await client.submit(token: token, sha1: Sample.otherSha1).status == .created)
            #expect(try await client.submit(token: token, machine: Sample.otherMachine).status == .created)
        }
    }

    @Test func duplicateIsAcceptedAgainOnceTheFirstActionIsFinal() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.submit(token: token).status == .created)
            clock.advance(by: .seconds(89))
            #expect(try await client.submit(token: token).status == .badRequest)
            clock.advance(by: .seconds(1))
            #expect(try await client.submit(token: token).status == .created)
        }
    }

    @Test(arguments: [
        (#"{"comment":"c","Sha1":"87662bc3d60e4200ceaf7aae249d1c343f4b83c9"}"#, "MissingRequiredParameter"),
        (#"{"Comment":"c","sha1":"87662bc3d60e4200ceaf7aae249d1c343f4b83c9"}"#, "MissingRequiredParameter"),
        (#"{"Comment":"c","Sha1":null}"#, "MissingRequiredParameter"),
        (#"{"Comment":"c","Sha1":42}"#, "InvalidRequestBody"),
        (#"{"Comment":"c","Sha1":"87662bc3"#, "InvalidRequestBody"),
        (#"["Comment","Sha1"]"#, "InvalidRequestBody"),
        (#"{"Comment":"c","Sha1":"87662bc3d60e4200ceaf7aae249d1c343f4b83cz"}"#, "InvalidHashValue"),
        (#"{"Comment":"c","Sha1":"87662bc3d60e4200ceaf7aae249d1c343f4b83"}"#, "InvalidHashValue"),
    ])
    func badBodiesGet400WithTheAPICode(body: String, code: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.post(
                "/api/machines/\(Sample.machine)/StopAndQuarantineFile", token: token, json: body
            )
            #expect(response.status == .badRequest)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == code)
            #expect(UUID(uuidString: error.target ?? "") != nil)
        }
    }

    @Test func wrongContentTypeIs415AndOversizedBodyIs413() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let text = try await client.post(
                "/api/machines/\(Sample.machine)/StopAndQuarantineFile", token: token,
                json: #"{"Comment":"c","Sha1":"\#(Sample.sha1)"}"#, contentType: "text/plain"
            )
            #expect(text.status == .unsupportedMediaType)
            #expect(try errorCode(text) == "InvalidRequestBody")
            let huge = String(repeating: "x", count: 70 * 1024)
            let large = try await client.post(
                "/api/machines/\(Sample.machine)/StopAndQuarantineFile", token: token,
                json: #"{"Comment":"\#(huge)","Sha1":"\#(Sample.sha1)"}"#
            )
            #expect(large.status == .contentTooLarge)
            #expect(try errorCode(large) == "InvalidRequestBody")
        }
    }

    @Test(arguments: [
        ("deadbeef" + String(repeating: "0", count: 32), 404, "ResourceNotFound"),
        ("0b50" + String(repeating: "0", count: 36), 400, "OsPlatformNotSupported"),
        ("f0bd" + String(repeating: "0", count: 36), 403, "Forbidden"),
        ("not-a-machine", 404, "ResourceNotFound"),
    ])
    func defaultInventoryRules(machine: String, status: Int, code: String) async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token, machine: machine)
            #expect(response.status.code == status)
            let error = try decode(MDEErrorBody.self, response).error
            #expect(error.code == code)
            if code == "ResourceNotFound" {
                #expect(error.message == "Machine \(machine) was not found")
            }
        }
    }

    @Test func configuredInventoryOverridesTheDefaultRules() async throws {
        let forbidden = Sample.machine
        let configuration = Sample.configuration {
            $0.machines = [forbidden: .forbidden, "deadbeef" + String(repeating: "1", count: 32): .exists]
        }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            #expect(try await client.submit(token: token, machine: forbidden).status == .forbidden)
            let exists = try await client.submit(token: token, machine: "deadbeef" + String(repeating: "1", count: 32))
            #expect(exists.status == .created)
        }
    }

    @Test func withoutDefaultRulesEveryFortyHexMachineExists() async throws {
        let configuration = Sample.configuration { $0.defaultRules = false }
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let response = try await client.submit(token: token, machine: "deadbeef" + String(repeating: "0", count: 32))
            #expect(response.status == .created)
        }
    }

    @Test func unknownRoutesAndMethodsGetTheErrorShape() async throws {
        let configuration = Sample.configuration()
        try await makeEmulator(configuration).test(.router) { client in
            let token = try await client.token(configuration)
            let unknown = try await client.get("/api/nothing-here", token: token)
            #expect(unknown.status == .notFound)
            #expect(try errorCode(unknown) == "NotFound")
            let wrongVerb = try await client.post("/api/machines/\(Sample.machine)/Isolate", token: token, json: "{}")
            #expect(wrongVerb.status == .notFound)
            #expect(try errorCode(wrongVerb) == "NotFound")
            let wrongMethod = try await client.execute(uri: "/api/machineactions", method: .delete)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(try errorCode(wrongMethod) == "MethodNotAllowed")
        }
    }

    @Test func apiCallsWithoutAValidBearerTokenGet401() async throws {
        let clock = ManualClock()
        let configuration = Sample.configuration()
        try await makeEmulator(configuration, clock: clock).test(.router) { client in
            let missing = try await client.get("/api/machineactions", token: nil)
            #expect(missing.status == .unauthorized)
            #expect(try errorCode(missing) == "Unauthorized")
            #expect(try await client.get("/api/machineactions", token: "not.a.jwt").status == .unauthorized)
            let token = try await client.token(configuration)
            var tampered = Array(token)
            tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
            #expect(try await client.get("/api/machineactions", token: String(tampered)).status == .unauthorized)
            #expect(try await client.get("/api/machineactions", token: token).status == .ok)
            clock.advance(by: .seconds(3599))
            #expect(try await client.get("/api/machineactions", token: token).status == .unauthorized)
            let unauthorizedSubmit = try await client.submit(token: token)
            #expect(unauthorizedSubmit.status == .unauthorized)
        }
    }
}
