import Foundation
import MDEBatchCore
import Testing

struct MachineActionFilterTests {
    @Test func reconciliationFilterNamesTypeMachineAndCreationTime() throws {
        let since = try #require(MDEDate.parse("2026-11-21T10:00:00.75Z"))
        let filter = MachineActionFilter.reconciliation(
            machineId: "1e5bc9d7e413ddd7902c2932e418702b84d0cc07", createdOnOrAfter: since)
        #expect(
            filter.expression
                == "type eq 'StopAndQuarantineFile' and machineId eq '1e5bc9d7e413ddd7902c2932e418702b84d0cc07' and creationDateTimeUtc ge 2026-11-21T10:00:00Z"
        )
    }

    @Test func idBatchesUseIn() {
        #expect(MachineActionFilter.ids(["a", "b"]).expression == "id in ('a','b')")
    }

    @Test func singleQuotesAreDoubled() {
        #expect(MachineActionFilter.quote("O'Brien's") == "'O''Brien''s'")
        #expect(
            MachineActionFilter([.machineIdEquals("x' or '1' eq '1")]).expression
                == "machineId eq 'x'' or ''1'' eq ''1'")
        #expect(
            MachineActionFilter.ids(["it's"]).and(.statusEquals("Pending")).expression
                == "id in ('it''s') and status eq 'Pending'")
    }

    @Test func upperBoundsRoundUpToTheSecond() throws {
        let until = try #require(MDEDate.parse("2026-11-21T10:00:00.1Z"))
        #expect(MachineActionFilter([.createdBefore(until)]).expression == "creationDateTimeUtc lt 2026-11-21T10:00:01Z")
    }
}

struct EndpointPolicyTests {
    @Test(arguments: [
        "https://api.security.microsoft.com", "https://api-gov.securitycenter.microsoft.us/",
        "http://127.0.0.1:8080", "http://127.1.2.3", "http://localhost:9000", "http://LocalHost", "http://[::1]:8443",
    ])
    func acceptsHTTPSAndLoopbackHTTP(url: String) throws {
        try APIEndpointPolicy.validate(baseURL: try #require(URL(string: url)))
    }

    @Test(arguments: [
        ("http://api.security.microsoft.com", APIError.insecureBaseURL("http://api.security.microsoft.com")),
        ("http://128.0.0.1", .insecureBaseURL("http://128.0.0.1")),
        ("http://127.0.0.1.evil.example", .insecureBaseURL("http://127.0.0.1.evil.example")),
        ("http://localhost.evil.example", .insecureBaseURL("http://localhost.evil.example")),
        // The root's trailing dot makes a fully qualified name that DNS resolves.
        ("http://localhost.", .insecureBaseURL("http://localhost.")),
        ("http://LOCALHOST.:8080", .insecureBaseURL("http://LOCALHOST.:8080")),
        ("ftp://api.security.microsoft.com", .unsupportedScheme("ftp://api.security.microsoft.com")),
        ("api.security.microsoft.com", .invalidBaseURL("api.security.microsoft.com")),
    ])
    func refusesPlainHTTPElsewhere(url: String, expected: APIError) throws {
        let parsed = try #require(URL(string: url))
        let error = #expect(throws: APIError.self) { try APIEndpointPolicy.validate(baseURL: parsed) }
        #expect(error == expected)
        #expect(error?.description.contains(url) == true)
    }

    @Test func cloudPresetsMatchTheDocumentedEndpoints() {
        #expect(CloudPreset.public.apiBase.absoluteString == "https://api.security.microsoft.com")
        #expect(CloudPreset.public.loginAuthority.absoluteString == "https://login.microsoftonline.com")
        #expect(CloudPreset.public.tokenScope == "https://api.securitycenter.microsoft.com/.default")
        #expect(CloudPreset.gcc.apiBase.absoluteString == "https://api-gcc.securitycenter.microsoft.us")
        #expect(CloudPreset.gcc.loginAuthority.absoluteString == "https://login.microsoftonline.com")
        #expect(CloudPreset.gcc.tokenResource == "https://api-gcc.securitycenter.microsoft.us")
        for cloud in [CloudPreset.gccHigh, .dod] {
            #expect(cloud.apiBase.absoluteString == "https://api-gov.securitycenter.microsoft.us")
            #expect(cloud.loginAuthority.absoluteString == "https://login.microsoftonline.us")
            #expect(cloud.tokenResource == "https://api-gov.securitycenter.microsoft.us")
        }
        #expect(CloudPreset(rawValue: "gcc-high") == .gccHigh)
    }
}
