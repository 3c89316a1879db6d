/// JSON examples copied verbatim from docs/API.md, "Verbatim examples" (extracted by script, not retyped).
enum MDEAPIExamples {
    static let stopAndQuarantineRequest = #"""
            {
              "Comment": "Stop and quarantine file on machine due to alert 441688558380765161_2136280442",
              "Sha1": "87662bc3d60e4200ceaf7aae249d1c343f4b83c9"
            }
        """#

    static let witp201 = #"""
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
            	"relatedFileInfo": {
                    "fileIdentifier": "87662bc3d60e4200ceaf7aae249d1c343f4b83c9",
                    "fileIdentifierType": "Sha1"
            	}
            }
        """#

    static let xsoar201 = #"""
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
        """#

    static let offboard201 = #"""
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
        """#

    static let cancelRequest = #"""
            {
                "Comment": "Machine action was canceled by automation"
            }
        """#

    static let resourceNotFound = #"""
            {
                "error": {
                    "code": "ResourceNotFound",
                    "message": "Machine 123123123 was not found",
                    "target": "43f4cb08-8fac-4b65-9db1-745c2ae65f3a"
                }
            }
        """#

    static let invalidRequestBody = #"""
            {
                "error": {
                    "code": "InvalidRequestBody",
                    "message": "Request body is incorrect",
                    "target": "1fa66c0f-18bd-4133-b378-36d76f3a2ba0"
                }
            }
        """#

    static let odataStopError = #"""
            {"error":{"code":"","message":"The query specified in the URI is not valid. Custom query option '$stop' that starts with '$' is not supported.","details":[]}}
        """#

    static let tokenResponse = #"""
            {"token_type":"Bearer","expires_in":3599,"ext_expires_in":0,"access_token":"..."}
        """#
}
