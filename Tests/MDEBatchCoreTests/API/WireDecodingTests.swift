import Foundation
import MDEBatchCore
import Testing

struct WireDecodingTests {
    // Verbatim from docs/API.md, "Verbatim examples" (the old windows-itpro-docs response example, with a tab and `lastUpdateTimeUtc`).
    static let witpExample = """
        {
            "@odata.context": "https://api.securitycenter.windows.com/api/$metadata#MachineActions/$entity",
            "id": "141408d1-384c-4c19-8b57-ba39e378011a",
            "type": "StopAndQuarantineFile",
            "requestor": "Analyst@contoso.com ",
            "requestorComment": "Stop and quarantine file on machine due to alert 441688558380765161_2136280442",
            "status": "InProgress",
            "machineId": "1e5bc9d7e413ddd7902c2932e418702b84d0cc07",
            "creationDateTimeUtc": "2018-12-04T12:15:04.3825985Z",
            "lastUpdateTimeUtc": "2018-12-04T12:15:04.3825985Z",
        \t"relatedFileInfo": {
                "fileIdentifier": "87662bc3d60e4200ceaf7aae249d1c343f4b83c9",
                "fileIdentifierType": "Sha1"
        \t}
        }
        """

    // Verbatim from docs/API.md, "Verbatim examples" (XSOAR fixture).
    static let xsoarExample = """
        {
            "cancellationComment": null,
            "cancellationDateTimeUtc": null,
            "cancellationRequestor": null,
            "commands": [],
            "computerDnsName": null,
            "creationDateTimeUtc": "2020-03-20T14:21:49.9097785Z",
            "errorHResult": 0,
            "id": "123",
            "lastUpdateDateTimeUtc": "2020-03-20T14:21:49.9097785Z",
            "machineId": "12345678",
            "relatedFileInfo": {
                "fileIdentifier": "87654321",
                "fileIdentifierType": "Sha1"
            },
            "requestor": "123abc",
            "requestorComment": "Test",
            "scope": null,
            "status": "Pending",
            "type": "StopAndQuarantineFile"
        }
        """

    // Verbatim from docs/API.md, "Verbatim examples" (a real Offboard response).
    static let offboardExample = """
        {
            "@odata.context": "https://api.securitycenter.microsoft.com/api/$metadata#MachineActions/$entity",
            "id": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
            "type": "Offboard",
            "title": null,
            "requestor": "YOUR APP REGISTRATION",
            "requestorComment": "Offboard machine by automation",
            "status": "Pending",
            "machineId": "dc977c3c84ba18e1174affaff68e70cd81ffxxxx",
            "computerDnsName": "computer.your.domain",
            "creationDateTimeUtc": "2024-01-02T13:39:46.7738206Z",
            "lastUpdateDateTimeUtc": "2024-01-02T13:39:46.773821Z",
            "cancellationRequestor": null,
            "cancellationComment": null,
            "cancellationDateTimeUtc": null,
            "errorHResult": 0,
            "scope": null,
            "externalId": null,
            "requestSource": "PublicApi",
            "relatedFileInfo": null,
            "commands": [],
            "troubleshootInfo": null
        }
        """

    private func decode(_ json: String) throws -> MachineAction {
        try JSONDecoder().decode(MachineAction.self, from: Data(json.utf8))
    }

    @Test func decodesTheDocumentedResponseWithLastUpdateTimeUtc() throws {
        let action = try decode(Self.witpExample)
        #expect(action.id == "141408d1-384c-4c19-8b57-ba39e378011a")
        #expect(action.type == "StopAndQuarantineFile")
        #expect(action.status == .inProgress)
        #expect(action.machineId == "1e5bc9d7e413ddd7902c2932e418702b84d0cc07")
        #expect(action.requestor == "Analyst@contoso.com ")
        #expect(action.requestorComment == "Stop and quarantine file on machine due to alert 441688558380765161_2136280442")
        #expect(action.sha1 == "87662bc3d60e4200ceaf7aae249d1c343f4b83c9")
        let created = try #require(action.creationDateTimeUtc)
        #expect(abs(created.timeIntervalSince1970 - 1_543_925_704.3825985) < 0.000_01)
        #expect(action.lastUpdateDateTimeUtc == action.creationDateTimeUtc)
    }

    @Test func decodesTheXSOARFixtureWithNullsAndUnknownFields() throws {
        let action = try decode(Self.xsoarExample)
        #expect(action.id == "123")
        #expect(action.status == .pending)
        #expect(action.computerDnsName == nil)
        #expect(action.cancellationDateTimeUtc == nil)
        #expect(action.errorHResult == 0)
        #expect(action.relatedFileInfo == RelatedFileInfo(fileIdentifier: "87654321", fileIdentifierType: "Sha1"))
        #expect(action.lastUpdateDateTimeUtc == MDEDate.parse("2020-03-20T14:21:49.9097785Z"))
        #expect(action.creationDateTimeUtc == action.lastUpdateDateTimeUtc)
    }

    @Test func decodesTheOffboardResponseWithSixFractionalDigits() throws {
        let action = try decode(Self.offboardExample)
        #expect(action.type == "Offboard")
        #expect(action.relatedFileInfo == nil)
        #expect(action.sha1 == nil)
        #expect(action.computerDnsName == "computer.your.domain")
        #expect(action.lastUpdateDateTimeUtc == MDEDate.parse("2024-01-02T13:39:46.773821Z"))
        #expect(action.lastUpdateDateTimeUtc != action.creationDateTimeUtc)
    }

    @Test func onlyTheIdIsRequired() throws {
        let action = try decode(#"{"id":"a","status":"Something New","creationDateTimeUtc":"yesterday"}"#)
        #expect(action.status == .unknown("Something New"))
        #expect(action.creationDateTimeUtc == nil)
        #expect(throws: DecodingError.self) { try decode(#"{"status":"Pending"}"#) }
    }

    @Test func encodingRoundTripsToTheMicrosecond() throws {
        let action = try decode(Self.witpExample)
        let json = String(decoding: try JSONEncoder().encode(action), as: UTF8.self)
        #expect(json.contains(#""lastUpdateDateTimeUtc":"2018-12-04T12:15:04.38259"#))
        var again = try decode(json)
        let created = try #require(again.creationDateTimeUtc)
        #expect(abs(created.timeIntervalSince(try #require(action.creationDateTimeUtc))) < 0.000_001)
        again.creationDateTimeUtc = action.creationDateTimeUtc
        again.lastUpdateDateTimeUtc = action.lastUpdateDateTimeUtc
        #expect(again == action)
    }

    @Test func formatsSevenFractionalDigits() {
        #expect(MDEDate.format(Date(timeIntervalSince1970: 1_795_255_200.5)) == "2026-11-21T10:00:00.5000000Z")
        #expect(MDEDate.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.0000000Z")
        #expect(MDEDate.formatSeconds(Date(timeIntervalSince1970: 1_795_255_200.5)) == "2026-11-21T10:00:00Z")
        #expect(
            MDEDate.formatSeconds(Date(timeIntervalSince1970: 1_795_255_200.5), roundingUp: true)
                == "2026-11-21T10:00:01Z")
    }

    @Test(arguments: [
        ("Pending", ActionStatus.pending, false), ("InProgress", .inProgress, false),
        ("Succeeded", .succeeded, true), ("Failed", .failed, true), ("TimeOut", .timeOut, true),
        ("Cancelled", .cancelled, true), ("Canceled", .cancelled, true), ("Paused", .unknown("Paused"), false),
    ])
    func statusesAndFinality(wire: String, status: ActionStatus, isFinal: Bool) {
        #expect(ActionStatus(wireValue: wire) == status)
        #expect(status.isFinal == isFinal)
    }

    @Test(arguments: [
        ("2018-12-04T12:15:04.3825985Z", 1_543_925_704.3825985),
        ("2018-12-04T12:15:04Z", 1_543_925_704.0),
        ("2018-12-04T12:15:04.5+01:00", 1_543_922_104.5),
        ("2026-11-21T10:00:00.1234567Z", 1_795_255_200.1234567),
        ("1970-01-01T00:00:00Z", 0.0),
    ])
    func parsesMDETimestamps(text: String, seconds: Double) throws {
        let date = try #require(MDEDate.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_01)
    }

    @Test(arguments: [
        "", "2018-12-04", "2018-12-04T12:15:04", "2018-13-04T12:15:04Z", "2018-12-04T12:15:04.Z",
        "2018-12-04 12:15:04Z", "2018-12-04T12:15:04Zjunk",
    ])
    func rejectsOtherTimestamps(text: String) {
        #expect(MDEDate.parse(text) == nil)
    }

    @Test func listPageDecodesValueAndNextLink() throws {
        let json = """
            {"@odata.context":"x","value":[\(Self.xsoarExample),\(Self.offboardExample)],"@odata.nextLink":"https://n"}
            """
        let page = try JSONDecoder().decode(MachineActionList.self, from: Data(json.utf8))
        #expect(page.value.map(\.id) == ["123", "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"])
        #expect(page.nextLink == "https://n")
    }
}

struct APIErrorBodyTests {
    @Test func decodesAFullErrorBody() {
        let body =
            #"{"error":{"code":"ResourceNotFound","message":"Machine 123123123 was not found","target":"43f4cb08-8fac-4b65-9db1-745c2ae65f3a"}}"#
        #expect(
            APIErrorBody.decode(from: Data(body.utf8))
                == APIErrorBody(
                    code: "ResourceNotFound", message: "Machine 123123123 was not found",
                    target: "43f4cb08-8fac-4b65-9db1-745c2ae65f3a"))
    }

    @Test func decodesAPartialErrorBody() {
        let body = #"{"error":{"code":"ActiveRequestAlreadyExists"}}"#
        #expect(
            APIErrorBody.decode(from: Data(body.utf8))
                == APIErrorBody(code: "ActiveRequestAlreadyExists", message: nil, target: nil))
    }

    @Test func decodesAnODataErrorWithEmptyCodeAndDetails() {
        let body =
            #"{"error":{"code":"","message":"The query specified in the URI is not valid. Custom query option '$stop' that starts with '$' is not supported.","details":[]}}"#
        let error = APIErrorBody.decode(from: Data(body.utf8))
        #expect(error?.code == nil)
        #expect(error?.message?.hasPrefix("The query specified in the URI is not valid.") == true)
        #expect(error?.target == nil)
    }

    @Test(arguments: ["", "<html>Bad gateway</html>", #"{"message":"x"}"#, "[]"])
    func bodiesWithoutAnErrorObjectGiveNil(body: String) {
        #expect(APIErrorBody.decode(from: Data(body.utf8)) == nil)
    }
}
